#include "accounts/migrations.hpp"

namespace ps::accounts {
namespace {

// What a member is shown to tell their sessions apart and end the right one: the User-Agent
// sent at log-in (cut to 256 bytes), the device said from it ("Firefox on Linux"), and the last
// use, to the minute. Sessions opened before this have no User-Agent, hence an unknown device.
constexpr std::string_view session_devices_schema = R"sql(
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT 'Unknown device';
ALTER TABLE sessions ADD COLUMN last_used_at BIGINT;
)sql";

// Log-in and login-link attempts, counted in the database when several nodes share it
// (accounts/shared_throttle.hpp): one row per attempt, deleted once out of its window.
constexpr std::string_view rate_events_schema = R"sql(
CREATE TABLE rate_events (
  key TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX rate_events_key ON rate_events(key, at);
)sql";

constexpr db::migration steps[] = {
    {4, "sessions: device and last use", session_devices_schema},
    {6, "attempts counted for the log-in limits of several nodes", rate_events_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::accounts
