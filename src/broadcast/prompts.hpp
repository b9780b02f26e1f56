#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "broadcast/model.hpp"
#include "chat/model.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"

// Question prompts in a broadcast. A host asks: the question is posted as a message of the room
// (so it takes its place in the feed, the history and resume), with a prompt beside it. Members
// answer privately: an answer is seen by its author and by the community's hosts, nobody else,
// on every path (its events go to each of them alone). A host answers one back in the direct
// conversation of the two.
namespace ps::broadcast {

inline constexpr std::size_t max_listed_prompts = 100;
inline constexpr std::size_t max_listed_answers = 200;

struct shown_prompt {
  prompt p;
  prompt_view v;
};

result<shown_prompt> create_prompt(app& app, const caller& who, std::int64_t channel_id,
                                   const std::string& question);
result<shown_prompt> get_prompt(app& app, const caller& who, std::int64_t prompt_id);
// The room's latest prompts, each as the caller may see it.
result<std::vector<shown_prompt>> list_prompts(app& app, const caller& who,
                                               std::int64_t channel_id);
// The caller's answer, written or replaced, until a host closes the prompt.
result<shown_prompt> answer_prompt(app& app, const caller& who, std::int64_t prompt_id,
                                   const std::string& body);
// Hosts: closed prompts take no more answers; reopened ones do again.
result<shown_prompt> set_prompt_closed(app& app, const caller& who, std::int64_t prompt_id,
                                       bool closed);

struct answer_page {
  std::vector<answer> answers;
  std::optional<std::int64_t> next_before;  // when there are more
};
// Hosts: the answers, the latest first, those below `before` (an answer id) when given.
result<answer_page> list_answers(app& app, const caller& who, std::int64_t prompt_id,
                                 std::optional<std::int64_t> before);

struct reply_sent {
  std::int64_t channel_id = 0;  // the direct conversation of the host and the member
  chat::message message;
  answer replied;
};
// A host answers one answer back: in the direct conversation of the two (opened if need be),
// a message quoting the question and the answer, then the host's words. The member wrote to the
// hosts, so "only people I have talked with" does not stop it; hosts turning direct messages
// off for the community does.
result<reply_sent> reply_to_answer(app& app, const caller& who, std::int64_t prompt_id,
                                   std::int64_t account_id, const std::string& body);

}  // namespace ps::broadcast
