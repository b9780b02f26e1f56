#include "mail/outbox_store.hpp"

namespace ps::mail::store {

void insert_email(db::transaction& tx, const std::string& recipient, const std::string& subject,
                  const std::string& body, millis now) {
  tx.execute(
      "INSERT INTO outbox (recipient, subject, body, created_at, next_attempt_at) "
      "VALUES ($1, $2, $3, $4, $4)",
      recipient, subject, body, now);
}

std::vector<queued_email> due_emails(db::session& s, millis now, int limit) {
  std::vector<queued_email> out;
  for (auto& r : s.query("SELECT id, recipient, subject, body, attempts FROM outbox "
                         "WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 "
                         "ORDER BY next_attempt_at, id LIMIT $2",
                         now, limit))
    out.push_back({r.integer(0), r.integer(4), r.text(1), r.text(2), r.text(3)});
  return out;
}

bool claim(db::transaction& tx, std::int64_t id, const std::string& node, millis now,
           millis until) {
  // A conditional UPDATE, not SELECT … FOR UPDATE SKIP LOCKED (which SQLite lacks): a second
  // node's UPDATE of the same row waits for the first's commit, then finds the row no longer
  // due and changes nothing.
  return tx.execute("UPDATE outbox SET next_attempt_at = $1, claimed_by = $2 WHERE id = $3 AND "
                    "sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $4",
                    until, node, id, now) == 1;
}

std::int64_t release_claims(db::transaction& tx, const std::string& node, millis now) {
  return tx.execute("UPDATE outbox SET next_attempt_at = $1, claimed_by = NULL WHERE claimed_by "
                    "= $2 AND sent_at IS NULL AND failed_at IS NULL",
                    now, node);
}

void mark_sent(db::transaction& tx, std::int64_t id, millis at) {
  tx.execute("UPDATE outbox SET sent_at = $1, attempts = attempts + 1, body = '', claimed_by = NULL "
             "WHERE id = $2", at,
             id);
}

void mark_failed(db::transaction& tx, std::int64_t id, millis at, std::int64_t attempts,
                 const std::string& error) {
  tx.execute("UPDATE outbox SET failed_at = $1, attempts = $2, last_error = $3 WHERE id = $4", at,
             attempts, error, id);
}

void schedule_retry(db::transaction& tx, std::int64_t id, millis next_attempt_at,
                    std::int64_t attempts, const std::string& error) {
  tx.execute("UPDATE outbox SET next_attempt_at = $1, attempts = $2, last_error = $3, claimed_by = "
             "NULL WHERE id = $4",
             next_attempt_at, attempts, error, id);
}

std::int64_t pending_count(db::session& s) {
  return s.query_one("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")
      ->integer(0);
}

}  // namespace ps::mail::store
