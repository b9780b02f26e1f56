#include "notifications/store.hpp"

namespace ps::notifications::store {

namespace {

// What is worth an email when unseen: what was said to the member alone.
bool emailed_kind(std::string_view kind) {
  return kind == for_mention || kind == for_direct;
}

}  // namespace

std::vector<std::optional<std::int64_t>> insert(db::transaction& tx, const about& what,
                                                std::span<const new_row> rows) {
  std::vector<std::optional<std::int64_t>> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    auto id = tx.query_one(
        "INSERT INTO notifications (account_id, community_id, channel_id, kind, item_kind, "
        "item_id, actor_id, excerpt, created_at, push_due_at, email_due_at) VALUES ($1, $2, $3, "
        "$4, $5, $6, $7, $8, $9, $9, $10) ON CONFLICT (account_id, item_kind, item_id) DO "
        "NOTHING RETURNING id",
        r.account_id, what.community_id, what.channel_id, r.kind, what.item_kind, what.item_id,
        what.actor_id, what.excerpt, what.at,
        emailed_kind(r.kind) ? std::optional<millis>(what.at + email_delay_ms) : std::nullopt);
    out.push_back(id ? std::optional<std::int64_t>(id->integer(0)) : std::nullopt);
  }
  return out;
}

void forget_item(db::transaction& tx, std::string_view item_kind, std::int64_t item_id) {
  tx.execute_pipelined("DELETE FROM notifications WHERE item_kind = $1 AND item_id = $2", item_kind,
                       item_id);
}

namespace {

// The columns of notification, for `n` joined with its community, room and actor; the item's
// place: a message's seq and parent, a comment's post.
constexpr const char* listed =
    "SELECT n.id, n.account_id, n.community_id, co.slug, co.name, n.channel_id, ch.name, ch.kind, "
    "n.kind, n.item_kind, n.item_id, msg.seq, msg.parent_id, CASE WHEN n.item_kind = 'post' THEN "
    "n.item_id ELSE bc.post_id END, n.actor_id, a.display_name, n.excerpt, n.created_at, "
    "n.read_at FROM notifications n JOIN communities co ON co.id = n.community_id JOIN channels "
    "ch ON ch.id = n.channel_id LEFT JOIN accounts a ON a.id = n.actor_id LEFT JOIN messages msg "
    "ON n.item_kind = 'message' AND msg.id = n.item_id LEFT JOIN board_comments bc ON n.item_kind "
    "= 'comment' AND bc.id = n.item_id ";

notification read(const db::row& r) {
  notification n;
  n.id = r.integer(0);
  n.account_id = r.integer(1);
  n.community_id = r.integer(2);
  n.community_slug = r.text(3);
  n.community_name = r.text(4);
  n.channel_id = r.integer(5);
  n.channel_name = r.text(6);
  n.channel_kind = r.text(7);
  n.kind = r.text(8);
  n.item_kind = r.text(9);
  n.item_id = r.integer(10);
  n.seq = r.maybe_integer(11);
  n.parent_id = r.maybe_integer(12);
  n.post_id = r.maybe_integer(13);
  n.actor_id = r.maybe_integer(14);
  n.actor_name = r.maybe_text(15).value_or("");
  n.excerpt = r.text(16);
  n.created_at = r.integer(17);
  n.read_at = r.maybe_integer(18);
  return n;
}

std::vector<std::int64_t> ids_of(const std::vector<db::row>& rows) {
  std::vector<std::int64_t> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.integer(0));
  return out;
}

}  // namespace

std::vector<notification> page_of(db::session& s, std::int64_t account_id,
                                  std::optional<std::int64_t> before_id, int limit) {
  std::vector<notification> out;
  for (const auto& r :
       s.query(std::string(listed) +
                   "WHERE n.account_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR n.id < $2) ORDER "
                   "BY n.id DESC LIMIT $3",
               account_id, before_id, limit))
    out.push_back(read(r));
  return out;
}

std::optional<notification> by_id(db::session& s, std::int64_t id) {
  auto r = s.query_one(std::string(listed) + "WHERE n.id = $1", id);
  if (!r) return std::nullopt;
  return read(*r);
}

std::map<std::int64_t, std::int64_t> unread_by_room(db::session& s, std::int64_t account_id) {
  std::map<std::int64_t, std::int64_t> out;
  for (const auto& r : s.query("SELECT channel_id, COUNT(*) FROM notifications WHERE account_id "
                               "= $1 AND read_at IS NULL GROUP BY channel_id",
                               account_id))
    out.emplace(r.integer(0), r.integer(1));
  return out;
}

std::vector<marked> mark_read(db::transaction& tx, std::int64_t account_id,
                              std::span<const std::int64_t> ids, millis at) {
  std::vector<marked> out;
  for (auto id : ids)
    if (auto r = tx.query_one("UPDATE notifications SET read_at = $3 WHERE id = $1 AND "
                              "account_id = $2 AND read_at IS NULL RETURNING community_id",
                              id, account_id, at))
      out.push_back({r->integer(0), id});
  return out;
}

std::vector<std::int64_t> mark_all_read(db::transaction& tx, std::int64_t account_id, millis at) {
  return ids_of(tx.query(
      "UPDATE notifications SET read_at = $2 WHERE account_id = $1 AND read_at IS NULL RETURNING "
      "community_id",
      account_id, at));
}

std::optional<level> level_of(db::session& s, std::int64_t account_id, std::int64_t channel_id) {
  auto r =
      s.query_one("SELECT level FROM notification_levels WHERE account_id = $1 AND channel_id = $2",
                  account_id, channel_id);
  if (!r) return std::nullopt;
  return parse_level(r->text(0));
}

std::map<std::int64_t, level> levels_in(db::session& s, std::int64_t channel_id) {
  std::map<std::int64_t, level> out;
  for (const auto& r : s.query(
           "SELECT account_id, level FROM notification_levels WHERE channel_id = $1", channel_id))
    if (auto l = parse_level(r.text(1))) out.emplace(r.integer(0), *l);
  return out;
}

void set_level(db::transaction& tx, std::int64_t account_id, std::int64_t channel_id,
               std::optional<level> chosen) {
  if (!chosen) {
    tx.execute("DELETE FROM notification_levels WHERE account_id = $1 AND channel_id = $2",
               account_id, channel_id);
    return;
  }
  tx.execute(
      "INSERT INTO notification_levels (account_id, channel_id, level) VALUES ($1, $2, $3) ON "
      "CONFLICT (account_id, channel_id) DO UPDATE SET level = excluded.level",
      account_id, channel_id, level_name(*chosen));
}

std::vector<std::int64_t> thread_authors(db::session& s, std::int64_t parent_id) {
  return ids_of(s.query(
      "SELECT DISTINCT author_id FROM messages WHERE (id = $1 OR parent_id = $1) AND deleted_at "
      "IS NULL ORDER BY author_id",
      parent_id));
}

std::vector<std::int64_t> current_members(db::session& s, std::int64_t community_id) {
  return ids_of(s.query(
      "SELECT account_id FROM memberships WHERE community_id = $1 AND left_at IS NULL ORDER BY "
      "account_id",
      community_id));
}

std::vector<std::int64_t> muted_in(db::session& s, std::int64_t channel_id) {
  return ids_of(s.query("SELECT account_id FROM channel_mutes WHERE channel_id = $1", channel_id));
}

std::vector<std::int64_t> poll_voters(db::session& s, std::int64_t poll_id) {
  return ids_of(s.query(
      "SELECT account_id FROM poll_ballots WHERE poll_id = $1 ORDER BY account_id", poll_id));
}

std::optional<settings> settings_of(db::session& s, std::int64_t account_id) {
  auto r = s.query_one(
      "SELECT email, private_previews, quiet_start, quiet_end, time_zone, digest FROM "
      "notification_settings WHERE account_id = $1",
      account_id);
  if (!r) return std::nullopt;
  settings out;
  out.email = parse_email(r->text(0)).value_or(out.email);
  out.private_previews = r->boolean(1);
  if (auto start = r->maybe_integer(2)) out.quiet_start = static_cast<int>(*start);
  if (auto end = r->maybe_integer(3)) out.quiet_end = static_cast<int>(*end);
  out.time_zone = r->text(4);
  out.digest = parse_digest(r->text(5)).value_or(out.digest);
  return out;
}

void save_settings(db::transaction& tx, std::int64_t account_id, const settings& chosen) {
  auto minute = [](std::optional<int> m) {
    return m ? std::optional<std::int64_t>(*m) : std::nullopt;
  };
  tx.execute(
      "INSERT INTO notification_settings (account_id, email, private_previews, quiet_start, "
      "quiet_end, time_zone, digest) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (account_id) "
      "DO UPDATE SET email = excluded.email, private_previews = excluded.private_previews, "
      "quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, time_zone = "
      "excluded.time_zone, digest = excluded.digest",
      account_id, email_name(chosen.email), chosen.private_previews, minute(chosen.quiet_start),
      minute(chosen.quiet_end), chosen.time_zone, digest_name(chosen.digest));
}

bool any_due(db::session& s, millis now) {
  // Two index probes: the partial indexes hold only what is still to do.
  return s
      .query_one(
          "SELECT 1 FROM notifications WHERE push_due_at <= $1 UNION ALL SELECT 1 "
          "FROM notifications WHERE email_due_at <= $1 LIMIT 1",
          now)
      .has_value();
}

// A claim sets the column to NULL where it still holds a due time: of two nodes claiming the
// same rows, the second's UPDATE finds them NULL once the first commits, and takes none.
std::vector<push_claim> claim_push_due(db::transaction& tx, millis now, int limit) {
  std::vector<push_claim> out;
  for (const auto& r : tx.query(
           "UPDATE notifications SET push_due_at = NULL WHERE id IN (SELECT id FROM notifications "
           "WHERE push_due_at <= $1 ORDER BY push_due_at LIMIT $2) AND push_due_at IS NOT NULL "
           "RETURNING id, account_id, push_attempts",
           now, limit))
    out.push_back({r.integer(0), r.integer(1), static_cast<int>(r.integer(2))});
  return out;
}

void retry_push(db::transaction& tx, std::int64_t id, millis at) {
  tx.execute(
      "UPDATE notifications SET push_due_at = $2, push_attempts = push_attempts + 1 WHERE id = $1",
      id, at);
}

std::vector<email_claim> claim_email_due(db::transaction& tx, millis now, int limit) {
  std::vector<email_claim> out;
  for (const auto& r :
       tx.query("UPDATE notifications SET email_due_at = NULL WHERE id IN (SELECT id FROM "
                "notifications WHERE email_due_at <= $1 ORDER BY email_due_at LIMIT $2) AND "
                "email_due_at IS NOT NULL RETURNING id, account_id",
                now, limit))
    out.push_back({r.integer(0), r.integer(1)});
  return out;
}

std::vector<std::int64_t> claim_email_pending_of(db::transaction& tx, std::int64_t account_id) {
  return ids_of(tx.query(
      "UPDATE notifications SET email_due_at = NULL WHERE account_id = $1 AND email_due_at IS NOT "
      "NULL RETURNING id",
      account_id));
}

void postpone_email(db::transaction& tx, std::int64_t id, millis until) {
  tx.execute("UPDATE notifications SET email_due_at = $2 WHERE id = $1", id, until);
}

bool seen_in_room(db::session& s, std::int64_t id) {
  return s
      .query_one(
          "SELECT 1 FROM notifications n JOIN messages m ON m.id = n.item_id JOIN read_markers "
          "rm ON rm.channel_id = m.channel_id AND rm.account_id = n.account_id WHERE n.id = $1 "
          "AND n.item_kind = 'message' AND rm.last_read_seq >= m.seq",
          id)
      .has_value();
}

}  // namespace ps::notifications::store
