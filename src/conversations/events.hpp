#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "chat/model.hpp"
#include "conversations/store.hpp"
#include "realtime/event_log.hpp"

// The events of conversations, for their participants only (the room's audience):
//   conversation.created, conversation.changed (someone added, or gone):
//     {"type", "community_id", "pos", "channel": {…, "participants": [{id, display_name}]}}
// Messages in them are chat's events. A replay sends the conversation as it is now.
namespace ps::conversations {

void add_event_types(realtime::event_catalog& catalog);

std::string conversation_event_json(std::string_view type, const realtime::logged_event& e,
                                    const chat::channel& room,
                                    const std::vector<store::person>& participants);

}  // namespace ps::conversations
