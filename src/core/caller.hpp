#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/locale.hpp"

namespace ps {

// The signed-in person behind a request, once their session or token has been checked.
// Only accounts::authenticate() makes one.
struct caller {
  std::int64_t account_id = 0;
  locale lang = locale::fr;
  std::optional<std::int64_t> session_id;  // set for cookie sessions, not for tokens
  std::optional<std::int64_t> token_id;    // set for personal tokens
};

}  // namespace ps
