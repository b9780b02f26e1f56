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
void add_event_types(realtime::event_catalog& catalog);
std::string mute_event_json(const realtime::logged_event& e, bool muted);
std::string poll_event_json(std::string_view type, const realtime::logged_event& e, const poll& p,
                            millis now);

}  // namespace ps::broadcast
