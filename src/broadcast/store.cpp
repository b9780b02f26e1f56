#include "broadcast/store.hpp"

#include <algorithm>

namespace ps::broadcast::store {

std::int64_t insert_poll(db::transaction& tx, const poll& p, std::int64_t created_by) {
  return tx
      .query_one(
          "INSERT INTO polls (channel_id, message_id, question, multiple, anonymous, closes_at, "
          "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
          p.channel_id, p.message_id, p.question, static_cast<std::int64_t>(p.multiple),
          static_cast<std::int64_t>(p.anonymous), p.closes_at, created_by, p.created_at)
      ->integer(0);
}

void insert_option(db::transaction& tx, std::int64_t poll_id, std::int64_t position,
                   const std::string& text) {
  tx.execute("INSERT INTO poll_options (poll_id, position, text) VALUES ($1, $2, $3)", poll_id,
             position, text);
}

namespace {

// The polls' columns, then the options and votes of the polls `which` (SQL selecting poll ids,
// with the parameters $1…): the same reading for one poll and for a room's latest.
// A poll lives as long as the message that carries it: once that is deleted, the poll is gone
// for everyone (not listed, not found, not replayed).
constexpr std::string_view poll_columns =
    "SELECT p.id, p.channel_id, ch.community_id, p.message_id, p.question, p.multiple, "
    "p.anonymous, p.closes_at, p.created_at, (SELECT COUNT(*) FROM poll_ballots b WHERE "
    "b.poll_id = p.id) FROM polls p JOIN channels ch ON ch.id = p.channel_id JOIN messages pm ON "
    "pm.id = p.message_id AND pm.deleted_at IS NULL ";

std::vector<poll> read_polls(db::session& s, const std::string& polls_query,
                             const std::string& which, std::int64_t key, std::int64_t limit) {
  std::vector<poll> out;
  for (const auto& r : s.query(polls_query, key, limit)) {
    poll p;
    p.id = r.integer(0);
    p.channel_id = r.integer(1);
    p.community_id = r.integer(2);
    p.message_id = r.integer(3);
    p.question = r.text(4);
    p.multiple = r.integer(5) != 0;
    p.anonymous = r.integer(6) != 0;
    p.closes_at = r.maybe_integer(7);
    p.created_at = r.integer(8);
    p.voters = r.integer(9);
    out.push_back(std::move(p));
  }
  if (out.empty()) return out;
  auto find = [&](std::int64_t id) {
    return std::ranges::find_if(out, [&](const poll& p) { return p.id == id; });
  };
  for (const auto& o : s.query("SELECT poll_id, id, text FROM poll_options WHERE poll_id IN (" +
                                   which + ") ORDER BY poll_id, position",
                               key, limit))
    if (auto it = find(o.integer(0)); it != out.end())
      it->options.push_back({o.integer(1), o.text(2), 0, {}});
  for (const auto& v : s.query("SELECT poll_id, option_id, account_id FROM poll_votes WHERE "
                               "poll_id IN (" +
                                   which + ") ORDER BY account_id",
                               key, limit)) {
    auto it = find(v.integer(0));
    if (it == out.end()) continue;
    auto o =
        std::ranges::find_if(it->options, [&](const option& x) { return x.id == v.integer(1); });
    if (o == it->options.end()) continue;
    o->count += 1;
    o->voters.push_back(v.integer(2));
  }
  return out;
}

}  // namespace

std::optional<poll> poll_by_id(db::session& s, std::int64_t id) {
  static const std::string polls = std::string(poll_columns) + "WHERE p.id = $1 LIMIT $2";
  static const std::string which = "SELECT id FROM polls WHERE id = $1 LIMIT $2";
  auto found = read_polls(s, polls, which, id, 1);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<poll> polls_of(db::session& s, std::int64_t channel_id, std::size_t limit) {
  static const std::string polls =
      std::string(poll_columns) + "WHERE p.channel_id = $1 ORDER BY p.id DESC LIMIT $2";
  static const std::string which =
      "SELECT p.id FROM polls p JOIN messages pm ON pm.id = p.message_id AND pm.deleted_at IS NULL "
      "WHERE p.channel_id = $1 ORDER BY p.id DESC LIMIT $2";
  return read_polls(s, polls, which, channel_id, static_cast<std::int64_t>(limit));
}

void take_ballot(db::transaction& tx, std::int64_t poll_id, std::int64_t account_id, millis now) {
  tx.execute(
      "INSERT INTO poll_ballots (poll_id, account_id, voted_at) VALUES ($1, $2, $3) ON CONFLICT "
      "(poll_id, account_id) DO UPDATE SET voted_at = excluded.voted_at",
      poll_id, account_id, now);
}

void replace_choices(db::transaction& tx, std::int64_t poll_id, std::int64_t account_id,
                     const std::vector<std::int64_t>& option_ids) {
  tx.execute("DELETE FROM poll_votes WHERE poll_id = $1 AND account_id = $2", poll_id, account_id);
  for (auto id : option_ids)
    tx.execute("INSERT INTO poll_votes (poll_id, option_id, account_id) VALUES ($1, $2, $3)",
               poll_id, id, account_id);
}

std::optional<due> next_closing(db::session& s) {
  auto r = s.query_one(
      "SELECT id, closes_at FROM polls WHERE closed_announced = 0 AND closes_at IS NOT NULL "
      "ORDER BY closes_at LIMIT 1");
  if (!r) return std::nullopt;
  return due{r->integer(0), r->integer(1)};
}

bool mark_closing_announced(db::transaction& tx, std::int64_t poll_id) {
  return tx.execute("UPDATE polls SET closed_announced = 1 WHERE id = $1 AND closed_announced = 0",
                    poll_id) > 0;
}

bool set_muted(db::transaction& tx, std::int64_t channel_id, std::int64_t account_id, bool muted,
               millis now) {
  if (!muted)
    return tx.execute("DELETE FROM channel_mutes WHERE channel_id = $1 AND account_id = $2",
                      channel_id, account_id) > 0;
  return tx.execute(
             "INSERT INTO channel_mutes (channel_id, account_id, muted_at) VALUES ($1, $2, "
             "$3) ON CONFLICT (channel_id, account_id) DO NOTHING",
             channel_id, account_id, now) > 0;
}

bool is_muted(db::session& s, std::int64_t channel_id, std::int64_t account_id) {
  return s
      .query_one("SELECT 1 FROM channel_mutes WHERE channel_id = $1 AND account_id = $2",
                 channel_id, account_id)
      .has_value();
}

std::vector<std::int64_t> muted_rooms(db::session& s, std::int64_t community_id,
                                      std::int64_t account_id) {
  std::vector<std::int64_t> out;
  for (const auto& r : s.query("SELECT m.channel_id FROM channel_mutes m JOIN channels ch ON ch.id "
                               "= m.channel_id WHERE ch.community_id = $1 AND m.account_id = $2 "
                               "ORDER BY m.channel_id",
                               community_id, account_id))
    out.push_back(r.integer(0));
  return out;
}

}  // namespace ps::broadcast::store
