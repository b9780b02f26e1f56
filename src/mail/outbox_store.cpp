#include "mail/outbox_store.hpp"

#include <algorithm>
#include <optional>

namespace ps::mail::store {

// Writes whose answer nobody reads are pipelined: on PostgreSQL a newsletter's 10,000 rows, or a
// batch's results, do not wait for a round trip each.
void insert_email(db::transaction& tx, const new_email& e, millis now) {
  tx.execute_pipelined(
      "INSERT INTO outbox (recipient, subject, body, html_body, from_name, reply_to, headers, "
      "topic, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
      e.recipient, e.subject, e.body, e.html_body, e.from_name, e.reply_to, e.headers,
      e.topic.empty() ? std::optional<std::string>() : std::optional<std::string>(e.topic), now);
}

std::vector<queued_email> claim_due(db::transaction& tx, const std::string& node, millis now,
                                    millis until, int limit) {
  // A conditional UPDATE, not SELECT … FOR UPDATE SKIP LOCKED (which SQLite lacks): when two
  // nodes pick the same rows, the second one's UPDATE waits for the first's commit, then finds
  // those rows no longer due (their next_attempt_at is the lease's end) and leaves them.
  std::vector<queued_email> out;
  for (auto& r : tx.query(
           "UPDATE outbox SET next_attempt_at = $1, claimed_by = $2 WHERE id IN (SELECT id FROM "
           "outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3 ORDER BY "
           "next_attempt_at, id LIMIT $4) AND sent_at IS NULL AND failed_at IS NULL AND "
           "next_attempt_at <= $3 RETURNING id, attempts, recipient, subject, body, html_body, "
           "from_name, reply_to, headers",
           until, node, now, limit)) {
    queued_email q;
    q.id = r.integer(0);
    q.attempts = r.integer(1);
    q.recipient = r.text(2);
    q.subject = r.text(3);
    q.body = r.text(4);
    q.html_body = r.text(5);
    q.from_name = r.text(6);
    q.reply_to = r.text(7);
    q.headers = r.text(8);
    out.push_back(std::move(q));
  }
  // RETURNING gives no order: the longest waiting first, as claimed.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

std::int64_t release_claims(db::transaction& tx, const std::string& node, millis now) {
  return tx.execute(
      "UPDATE outbox SET next_attempt_at = $1, claimed_by = NULL WHERE claimed_by "
      "= $2 AND sent_at IS NULL AND failed_at IS NULL",
      now, node);
}

void mark_sent(db::transaction& tx, std::int64_t id, millis at) {
  tx.execute_pipelined(
      "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, body = '', html_body = '', "
      "claimed_by = NULL WHERE id = $2",
      at, id);
}

void mark_failed(db::transaction& tx, std::int64_t id, millis at, std::int64_t attempts,
                 const std::string& error) {
  tx.execute_pipelined(
      "UPDATE outbox SET failed_at = $1, attempts = $2, last_error = $3, claimed_by = NULL "
      "WHERE id = $4",
      at, attempts, error, id);
}

void schedule_retry(db::transaction& tx, std::int64_t id, millis next_attempt_at,
                    std::int64_t attempts, const std::string& error) {
  tx.execute_pipelined(
      "UPDATE outbox SET next_attempt_at = $1, attempts = $2, last_error = $3, claimed_by = "
      "NULL WHERE id = $4",
      next_attempt_at, attempts, error, id);
}

std::int64_t pending_count(db::session& s) {
  return s.query_one("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")
      ->integer(0);
}

topic_states count_topic(db::session& s, const std::string& topic) {
  auto r = s.query_one(
      "SELECT COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM outbox WHERE "
      "topic = $1",
      topic);
  topic_states out;
  out.queued = r->integer(0);
  out.sent = r->integer(1);
  out.failed = r->integer(2);
  return out;
}

std::vector<failure> topic_failures(db::session& s, const std::string& topic, int limit) {
  std::vector<failure> out;
  for (auto& r : s.query("SELECT recipient, COALESCE(last_error, '') FROM outbox WHERE topic = $1 "
                         "AND failed_at IS NOT NULL ORDER BY failed_at DESC, id DESC LIMIT $2",
                         topic, limit))
    out.push_back({r.text(0), r.text(1)});
  return out;
}

}  // namespace ps::mail::store
