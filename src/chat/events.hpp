#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "chat/model.hpp"
#include "realtime/event_log.hpp"

// The events of chat, as live frames and as replays. Each is logged with channel_id = its room;
// subject_id = the message (message.*, reaction.*) or the room (channel.*); actor_id = who
// reacted; detail = the emoji (reaction.*) or the read sequence number (channel.read, which
// only_account_id limits to its reader).
namespace ps::chat {

void add_event_types(realtime::event_catalog& catalog);

// {"type":…,"community_id":…,"pos":…,"channel":{…}}
std::string channel_event_json(std::string_view type, const realtime::logged_event& e,
                               const channel& c);
std::string deleted_event_json(const realtime::logged_event& e, const message& m);
std::string reaction_event_json(const realtime::logged_event& e, const message& m);
std::string read_event_json(const realtime::logged_event& e, std::int64_t last_read_seq);

}  // namespace ps::chat
