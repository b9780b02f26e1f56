#pragma once
#include <string>
#include <string_view>

#include "broadcast/model.hpp"
#include "realtime/event_log.hpp"

// The events of polls, to whoever may see the broadcast: poll.created, poll.voted (someone
// voted or changed their vote), poll.closed: {"type", "community_id", "pos", "poll": {…}}
// without results (what one may see of them depends on who one is: GET /polls/{id} says).
namespace ps::broadcast {

// And a member's own: channel.muted, channel.unmuted {"type", "community_id", "pos",
// "channel_id", "muted"}, to that member only.
// Question prompts: prompt.created, prompt.changed (closed or reopened) to whoever may see the
// broadcast: {"type", "community_id", "pos", "prompt": {…}}; and prompt.answered (an answer
// written or changed), prompt.replied (a host answered it back) to the answer's author and the
// hosts, each alone: {"type", "community_id", "pos", "prompt": {…}, "answer": {…}}.
void add_event_types(realtime::event_catalog& catalog);
std::string prompt_event_json(const realtime::logged_event& e, const prompt& p);
std::string answer_event_json(const realtime::logged_event& e, const prompt& p, const answer& a);
std::string mute_event_json(const realtime::logged_event& e, bool muted);
std::string poll_event_json(std::string_view type, const realtime::logged_event& e, const poll& p,
                            millis now);

}  // namespace ps::broadcast
