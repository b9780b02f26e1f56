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

nlohmann::json to_json(const account& a);
nlohmann::json to_json(const token_info& t);

}  // namespace ps::accounts
