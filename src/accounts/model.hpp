#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/clock.hpp"
#include "core/locale.hpp"

namespace ps::accounts {

// A person's account. The email is shown only to its owner.
struct account {
  std::int64_t id = 0;
  std::string email;
  std::string display_name;
  locale lang = locale::fr;
  millis created_at = 0;
};

// A personal access token as listed (never its secret).
struct token_info {
  std::int64_t id = 0;
  std::string name;
  millis created_at = 0;
  std::optional<millis> last_used_at;
};

// One of an account's live cookie sessions as its owner lists them (never its secret). Tokens
// are not sessions: they have their own list.
struct session_info {
  std::int64_t id = 0;
  std::string device;      // "Firefox on Linux" (accounts/device.hpp)
  std::string user_agent;  // as sent at log-in, cut to max_user_agent_bytes
  millis created_at = 0;
  std::optional<millis> last_used_at;  // to the minute; null until its first use after log-in
  bool current = false;                // the session making the request
};

nlohmann::json to_json(const account& a);
nlohmann::json to_json(const token_info& t);
nlohmann::json to_json(const session_info& s);

}  // namespace ps::accounts
