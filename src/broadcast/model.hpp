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

// A question prompt in a broadcast: a host asks, members answer privately to the hosts (one
// answer each, changeable until a host closes the prompt), and hosts read the answers per
// member and may answer one back in a direct conversation.
inline constexpr std::size_t max_answer_length = 2'000, max_reply_length = 3'000;

struct prompt {
  std::int64_t id = 0;
  std::int64_t channel_id = 0;
  std::int64_t community_id = 0;
  std::int64_t message_id = 0;
  std::string question;
  std::optional<millis> closed_at;
  millis created_at = 0;
  std::int64_t answers = 0;  // how many members answered
};

struct answer {
  std::int64_t id = 0;
  std::int64_t prompt_id = 0;
  std::int64_t account_id = 0;
  std::string display_name;
  std::int64_t member_number = 0;  // 0 once they left the community
  std::string body;
  millis answered_at = 0;
  millis changed_at = 0;
  std::optional<std::int64_t> reply_channel_id;  // the direct conversation a host answered in
  std::optional<millis> replied_at;
};
nlohmann::json to_json(const answer& a);

// What one reader is shown of a prompt: hosts, how many answered; everyone, their own answer.
struct prompt_view {
  bool host = false;
  std::optional<answer> mine;
};
nlohmann::json to_json(const prompt& p, const prompt_view& v);

}  // namespace ps::broadcast
