#pragma once
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

// A member's choices for how they are told outside the app (GET/PUT /me/notifications): email
// for what they have not seen, what a phone's lock screen shows, and quiet hours in their zone.
namespace ps::notifications {

// When a mention or a direct message not seen in the app is sent by email.
enum class email_digest { never, after_15_minutes, daily };
inline constexpr millis email_delay_ms = 15 * 60 * 1000;
// The daily email leaves at this local time (or when quiet hours end, if later).
inline constexpr int daily_email_minute = 8 * 60;

// The email of what a member missed while away from the app (notifications/digest.hpp).
enum class missed_digest { off, daily, weekly };

struct settings {
  email_digest email = email_digest::after_15_minutes;
  missed_digest digest = missed_digest::weekly;
  // The lock screen shows who and where, never what was said.
  bool private_previews = false;
  // Minutes after midnight in time_zone; both or neither. start > end spans midnight.
  std::optional<int> quiet_start, quiet_end;
  std::string time_zone = "America/Toronto";
};

std::string_view email_name(email_digest e);
std::optional<email_digest> parse_email(std::string_view name);
std::string_view digest_name(missed_digest d);
std::optional<missed_digest> parse_digest(std::string_view name);

// {"email","push_previews","quiet_hours":{start,end}|null,"time_zone","digest"}
nlohmann::json to_json(const settings& s);
// Applies the fields present in `body` to `s`; an invalid_field error for a bad one (and `s`
// is then left as it was).
result<settings> updated(const settings& s, const nlohmann::json& body);

// Whether `at` falls in the member's quiet hours, and when the ones it falls in end.
bool in_quiet_hours(const settings& s, millis at);
millis quiet_hours_end(const settings& s, millis at);

}  // namespace ps::notifications
