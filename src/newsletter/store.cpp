#include "newsletter/store.hpp"

namespace ps::newsletter::store {
namespace {

constexpr const char* issue_select =
    "SELECT n.id, n.community_id, c.slug, n.author_id, a.display_name, n.subject, n.preview_text, "
    "n.body, n.status, n.to_members, n.to_subscribers, n.scheduled_at, n.started_at, n.sent_at, "
    "n.created_at, n.updated_at FROM newsletters n JOIN communities c ON c.id = n.community_id "
    "JOIN accounts a ON a.id = n.author_id ";

issue issue_of(const db::row& r) {
  issue i;
  i.id = r.integer(0);
  i.community_id = r.integer(1);
  i.community_slug = r.text(2);
  i.author_id = r.integer(3);
  i.author_name = r.text(4);
  i.subject = r.text(5);
  i.preview_text = r.text(6);
  i.body = r.text(7);
  i.status = r.text(8);
  i.to_members = r.integer(9) != 0;
  i.to_subscribers = r.integer(10) != 0;
  i.scheduled_at = r.maybe_integer(11);
  i.started_at = r.maybe_integer(12);
  i.sent_at = r.maybe_integer(13);
  i.created_at = r.integer(14);
  i.updated_at = r.integer(15);
  return i;
}

constexpr const char* subscriber_select =
    "SELECT id, community_id, email, name, locale, status, consent_kind, consent_at, "
    "consent_source, consent_method, consent_lapses_at, created_at, updated_at FROM subscribers ";

subscriber subscriber_of(const db::row& r) {
  subscriber s;
  s.id = r.integer(0);
  s.community_id = r.integer(1);
  s.email = r.text(2);
  s.name = r.text(3);
  s.locale = r.text(4);
  s.status = r.text(5);
  s.consent.kind = r.text(6);
  s.consent.at = r.integer(7);
  s.consent.source = r.text(8);
  s.consent.method = r.text(9);
  s.consent.lapses_at = r.maybe_integer(10);
  s.created_at = r.integer(11);
  s.updated_at = r.integer(12);
  return s;
}

}  // namespace

std::int64_t insert_issue(db::transaction& tx, const issue& i) {
  return tx
      .query_one(
          "INSERT INTO newsletters (community_id, author_id, subject, preview_text, body, "
          "status, to_members, to_subscribers, created_at, updated_at) VALUES ($1, $2, $3, "
          "$4, $5, $6, $7, $8, $9, $9) RETURNING id",
          i.community_id, i.author_id, i.subject, i.preview_text, i.body, i.status,
          i.to_members ? 1 : 0, i.to_subscribers ? 1 : 0, i.created_at)
      ->integer(0);
}

void update_issue(db::transaction& tx, const issue& i) {
  tx.execute(
      "UPDATE newsletters SET subject = $1, preview_text = $2, body = $3, status = $4, "
      "to_members = $5, to_subscribers = $6, scheduled_at = $7, started_at = $8, sent_at = "
      "$9, updated_at = $10 WHERE id = $11",
      i.subject, i.preview_text, i.body, i.status, i.to_members ? 1 : 0, i.to_subscribers ? 1 : 0,
      i.scheduled_at, i.started_at, i.sent_at, i.updated_at, i.id);
}

void delete_issue(db::transaction& tx, std::int64_t id) {
  tx.execute("DELETE FROM newsletters WHERE id = $1", id);
}

std::optional<issue> issue_by_id(db::session& s, std::int64_t id) {
  auto r = s.query_one(std::string(issue_select) + "WHERE n.id = $1", id);
  if (!r) return std::nullopt;
  return issue_of(*r);
}

std::vector<issue> issues_of(db::session& s, std::int64_t community_id, bool sent_for_members_only,
                             int limit) {
  std::vector<issue> out;
  const std::string sql =
      std::string(issue_select) + "WHERE n.community_id = $1" +
      (sent_for_members_only ? " AND n.status = 'sent' AND n.to_members = 1" : "") +
      " ORDER BY n.id DESC LIMIT $2";
  for (auto& r : s.query(sql, community_id, limit)) out.push_back(issue_of(r));
  return out;
}

settings settings_of(db::session& s, std::int64_t community_id) {
  settings out;
  if (auto r = s.query_one("SELECT public_form, sender_name, postal_address, tracking FROM "
                           "newsletter_settings WHERE community_id = $1",
                           community_id)) {
    out.public_form = r->integer(0) != 0;
    out.sender_name = r->text(1);
    out.postal_address = r->text(2);
    out.tracking = r->integer(3) != 0;
  }
  return out;
}

void save_settings(db::transaction& tx, std::int64_t community_id, const settings& s) {
  tx.execute(
      "INSERT INTO newsletter_settings (community_id, public_form, sender_name, "
      "postal_address, tracking) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (community_id) DO "
      "UPDATE SET public_form = excluded.public_form, sender_name = excluded.sender_name, "
      "postal_address = excluded.postal_address, tracking = excluded.tracking",
      community_id, s.public_form ? 1 : 0, s.sender_name, s.postal_address, s.tracking ? 1 : 0);
}

std::vector<recipient> members_to_send(db::session& s, std::int64_t community_id,
                                       std::int64_t after_id, int limit) {
  std::vector<recipient> out;
  for (auto& r : s.query(
           "SELECT a.id, a.email, a.display_name, a.locale FROM memberships m JOIN accounts a ON "
           "a.id = m.account_id WHERE m.community_id = $1 AND m.left_at IS NULL AND a.id > $2 AND "
           "NOT EXISTS (SELECT 1 FROM newsletter_optouts o WHERE o.community_id = m.community_id "
           "AND o.account_id = a.id) ORDER BY a.id LIMIT $3",
           community_id, after_id, limit)) {
    recipient x;
    x.account_id = r.integer(0);
    x.email = r.text(1);
    x.name = r.text(2);
    x.locale = r.text(3);
    out.push_back(std::move(x));
  }
  return out;
}

std::vector<recipient> subscribers_to_send(db::session& s, std::int64_t community_id,
                                           std::int64_t after_id, millis now, int limit) {
  std::vector<recipient> out;
  for (auto& r : s.query("SELECT id, email, name, locale FROM subscribers WHERE community_id = $1 "
                         "AND status = 'confirmed' AND id > $2 AND (consent_lapses_at IS NULL OR "
                         "consent_lapses_at > $3) ORDER BY id LIMIT $4",
                         community_id, after_id, now, limit)) {
    recipient x;
    x.subscriber_id = r.integer(0);
    x.email = r.text(1);
    x.name = r.text(2);
    x.locale = r.text(3);
    out.push_back(std::move(x));
  }
  return out;
}

bool claim_delivery(db::transaction& tx, std::int64_t newsletter_id, const std::string& email) {
  return tx.execute(
             "INSERT INTO newsletter_deliveries (newsletter_id, email) VALUES ($1, $2) ON "
             "CONFLICT DO NOTHING",
             newsletter_id, email) == 1;
}

std::int64_t unsubscribed_count(db::session& s, std::int64_t newsletter_id) {
  return s
      .query_one("SELECT COUNT(*) FROM newsletter_unsubscribes WHERE newsletter_id = $1",
                 newsletter_id)
      ->integer(0);
}

void record_unsubscribe(db::transaction& tx, std::int64_t newsletter_id, const std::string& email,
                        millis at) {
  tx.execute(
      "INSERT INTO newsletter_unsubscribes (newsletter_id, email, at) VALUES ($1, $2, $3) "
      "ON CONFLICT DO NOTHING",
      newsletter_id, email, at);
}

void opt_out_member(db::transaction& tx, std::int64_t community_id, std::int64_t account_id,
                    millis at) {
  tx.execute(
      "INSERT INTO newsletter_optouts (community_id, account_id, at) VALUES ($1, $2, $3) "
      "ON CONFLICT DO NOTHING",
      community_id, account_id, at);
}

void opt_in_member(db::transaction& tx, std::int64_t community_id, std::int64_t account_id) {
  tx.execute("DELETE FROM newsletter_optouts WHERE community_id = $1 AND account_id = $2",
             community_id, account_id);
}

bool member_opted_out(db::session& s, std::int64_t community_id, std::int64_t account_id) {
  return s
      .query_one("SELECT 1 FROM newsletter_optouts WHERE community_id = $1 AND account_id = $2",
                 community_id, account_id)
      .has_value();
}

std::optional<subscriber> subscriber_by_id(db::session& s, std::int64_t id) {
  auto r = s.query_one(std::string(subscriber_select) + "WHERE id = $1", id);
  if (!r) return std::nullopt;
  return subscriber_of(*r);
}

std::optional<subscriber> subscriber_by_email(db::session& s, std::int64_t community_id,
                                              const std::string& email) {
  auto r = s.query_one(std::string(subscriber_select) + "WHERE community_id = $1 AND email = $2",
                       community_id, email);
  if (!r) return std::nullopt;
  return subscriber_of(*r);
}

std::int64_t insert_subscriber(db::transaction& tx, const subscriber& x) {
  return tx
      .query_one(
          "INSERT INTO subscribers (community_id, email, name, locale, status, "
          "consent_kind, consent_at, consent_source, consent_method, consent_lapses_at, "
          "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
          "$11) RETURNING id",
          x.community_id, x.email, x.name, x.locale, x.status, x.consent.kind, x.consent.at,
          x.consent.source, x.consent.method, x.consent.lapses_at, x.created_at)
      ->integer(0);
}

void update_subscriber(db::transaction& tx, const subscriber& x) {
  tx.execute(
      "UPDATE subscribers SET name = $1, locale = $2, status = $3, consent_kind = $4, "
      "consent_at = $5, consent_source = $6, consent_method = $7, consent_lapses_at = $8, "
      "updated_at = $9 WHERE id = $10",
      x.name, x.locale, x.status, x.consent.kind, x.consent.at, x.consent.source, x.consent.method,
      x.consent.lapses_at, x.updated_at, x.id);
}

void delete_subscriber(db::transaction& tx, std::int64_t id) {
  tx.execute("DELETE FROM subscribers WHERE id = $1", id);
}

std::vector<subscriber> subscribers_of(db::session& s, std::int64_t community_id,
                                       const std::string& status, std::int64_t before, int limit) {
  std::vector<subscriber> out;
  for (auto& r : s.query(std::string(subscriber_select) +
                             "WHERE community_id = $1 AND ($2 = '' OR status = $2) AND ($3 = 0 OR "
                             "id < $3) ORDER BY id DESC LIMIT $4",
                         community_id, status, before, limit))
    out.push_back(subscriber_of(r));
  return out;
}

std::int64_t confirmed_count(db::session& s, std::int64_t community_id, millis now) {
  return s
      .query_one(
          "SELECT COUNT(*) FROM subscribers WHERE community_id = $1 AND status = "
          "'confirmed' AND (consent_lapses_at IS NULL OR consent_lapses_at > $2)",
          community_id, now)
      ->integer(0);
}

std::int64_t insert_comment(db::transaction& tx, const comment& c) {
  return tx
      .query_one(
          "INSERT INTO newsletter_comments (newsletter_id, author_id, body, html, "
          "created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
          c.newsletter_id, c.author_id, c.body, c.html, c.created_at)
      ->integer(0);
}

namespace {
constexpr const char* comment_select =
    "SELECT c.id, c.newsletter_id, c.author_id, a.display_name, c.body, c.html, c.created_at FROM "
    "newsletter_comments c JOIN accounts a ON a.id = c.author_id ";
comment comment_of(const db::row& r) {
  comment c;
  c.id = r.integer(0);
  c.newsletter_id = r.integer(1);
  c.author_id = r.integer(2);
  c.author_name = r.text(3);
  c.body = r.text(4);
  c.html = r.text(5);
  c.created_at = r.integer(6);
  return c;
}
}  // namespace

std::optional<comment> comment_by_id(db::session& s, std::int64_t id) {
  auto r = s.query_one(std::string(comment_select) + "WHERE c.id = $1", id);
  if (!r) return std::nullopt;
  return comment_of(*r);
}

std::vector<comment> comments_of(db::session& s, std::int64_t newsletter_id, int limit) {
  std::vector<comment> out;
  for (auto& r :
       s.query(std::string(comment_select) + "WHERE c.newsletter_id = $1 ORDER BY c.id LIMIT $2",
               newsletter_id, limit))
    out.push_back(comment_of(r));
  return out;
}

std::int64_t comment_count(db::session& s, std::int64_t newsletter_id) {
  return s
      .query_one("SELECT COUNT(*) FROM newsletter_comments WHERE newsletter_id = $1", newsletter_id)
      ->integer(0);
}

std::optional<recipient> account_recipient(db::session& s, std::int64_t account_id) {
  auto r =
      s.query_one("SELECT email, display_name, locale FROM accounts WHERE id = $1", account_id);
  if (!r) return std::nullopt;
  recipient x;
  x.account_id = account_id;
  x.email = r->text(0);
  x.name = r->text(1);
  x.locale = r->text(2);
  return x;
}

}  // namespace ps::newsletter::store
