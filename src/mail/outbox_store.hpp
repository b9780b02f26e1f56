#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"

// The SQL of the outbox's own table, and nothing else.
namespace ps::mail::store {

// A row waiting to be sent.
struct queued_email {
  std::int64_t id = 0;
  std::int64_t attempts = 0;
  std::string recipient;
  std::string subject;
  std::string body;
};

void insert_email(db::transaction& tx, const std::string& recipient, const std::string& subject,
                  const std::string& body, millis now);
// At most `limit` emails due at `now`, the longest waiting first.
std::vector<queued_email> due_emails(db::session& s, millis now, int limit);
// Sent: the body goes, since it may hold a one-time link that need not stay in the database.
// Takes a due email for `node` until `until`; false when another node took it first.
bool claim(db::transaction& tx, std::int64_t id, const std::string& node, millis now,
           millis until);
// Gives back, due now, what `node` held when it stopped (a crash between claim and send).
std::int64_t release_claims(db::transaction& tx, const std::string& node, millis now);
void mark_sent(db::transaction& tx, std::int64_t id, millis at);
void mark_failed(db::transaction& tx, std::int64_t id, millis at, std::int64_t attempts,
                 const std::string& error);
void schedule_retry(db::transaction& tx, std::int64_t id, millis next_attempt_at,
                    std::int64_t attempts, const std::string& error);
// Emails neither sent nor given up on.
std::int64_t pending_count(db::session& s);

}  // namespace ps::mail::store
