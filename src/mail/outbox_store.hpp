#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"

// The SQL of the outbox's own table, and nothing else.
namespace ps::mail::store {

// A row to send, as its claim returned it.
struct queued_email {
  std::int64_t id = 0;
  std::int64_t attempts = 0;
  std::string recipient;
  std::string subject;
  std::string body;
  std::string html_body;
  std::string from_name;
  std::string reply_to;
  std::string headers;  // "Name: value" lines
};

struct new_email {
  std::string recipient, subject, body, html_body, from_name, reply_to, headers, topic;
};

void insert_email(db::transaction& tx, const new_email& e, millis now);
// Takes up to `limit` due emails, the longest waiting first, for `node` until `until`; an
// email another node took first is not among them.
std::vector<queued_email> claim_due(db::transaction& tx, const std::string& node, millis now,
                                    millis until, int limit);
// Gives back, due now, what `node` held when it stopped (a crash between claim and send).
std::int64_t release_claims(db::transaction& tx, const std::string& node, millis now);
// Sent: the bodies go, since they may hold a one-time link that need not stay in the database.
void mark_sent(db::transaction& tx, std::int64_t id, millis at);
void mark_failed(db::transaction& tx, std::int64_t id, millis at, std::int64_t attempts,
                 const std::string& error);
void schedule_retry(db::transaction& tx, std::int64_t id, millis next_attempt_at,
                    std::int64_t attempts, const std::string& error);
// Emails neither sent nor given up on.
std::int64_t pending_count(db::session& s);

struct topic_states {
  std::int64_t queued = 0, sent = 0, failed = 0;
};
topic_states count_topic(db::session& s, const std::string& topic);
struct failure {
  std::string recipient, error;
};
// The newest `limit` emails of `topic` given up on.
std::vector<failure> topic_failures(db::session& s, const std::string& topic, int limit);

}  // namespace ps::mail::store
