#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

// A poll in a broadcast: 2 to 10 options, single or multiple choice, anonymous or named, and
// an optional closing time. Closed means now >= closes_at: exact whenever it is read or voted
// on; the poll.closed event follows from the closer (broadcast/closer.hpp).
namespace ps::broadcast {

inline constexpr std::size_t min_options = 2, max_options = 10;
inline constexpr std::size_t max_question_length = 300, max_option_length = 100;

struct option {
  std::int64_t id = 0;
  std::string text;
  std::int64_t count = 0;
  std::vector<std::int64_t> voters;  // account ids, for named polls
};

struct poll {
  std::int64_t id = 0;
  std::int64_t channel_id = 0;
  std::int64_t community_id = 0;
  std::int64_t message_id = 0;
  std::string question;
  bool multiple = false;
  bool anonymous = true;
  std::optional<millis> closes_at;
  millis created_at = 0;
  std::vector<option> options;
  std::int64_t voters = 0;  // how many people voted
  bool closed(millis now) const { return closes_at && now >= *closes_at; }
};

// What one reader is shown: counts once they voted (hosts always), who voted what only to
// hosts of a named poll, and their own choices.
struct view {
  bool results = false;
  bool names = false;
  std::vector<std::int64_t> mine;
};
nlohmann::json to_json(const poll& p, const view& v, millis now);

}  // namespace ps::broadcast
