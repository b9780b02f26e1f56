#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"

// The SQL of the digest (notifications/digest.hpp), and nothing else.
namespace ps::notifications::digest_store {

// A member who may be owed a digest: away since `last_active`, with their choice and when the
// last one went.
struct away_member {
  std::int64_t account_id = 0;
  std::string digest;  // daily | weekly
  std::optional<millis> last_sent_at;
  millis last_active = 0;
};
// Accounts after `after_id`, at most `limit`, who chose a digest, have not been in the app since
// `away_before`, and got none in the last `daily_ms` (daily) or `weekly_ms` (weekly) before `now`.
std::vector<away_member> away_members(db::session& s, std::int64_t after_id, millis now,
                                      millis away_before, millis daily_ms, millis weekly_ms,
                                      int limit);
// Others' messages in the room since `since`, not deleted.
std::int64_t new_messages(db::session& s, std::int64_t channel_id, std::int64_t reader,
                          millis since);
// The member's unread notifications made since `since`.
std::int64_t unread_notifications(db::session& s, std::int64_t account_id, millis since);
void mark_sent(db::transaction& tx, std::int64_t account_id, millis at);

}  // namespace ps::notifications::digest_store
