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

constexpr db::migration steps[] = {
    {4, "sessions: device and last use", session_devices_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::accounts
