#include "conversations/events.hpp"

#include <nlohmann/json.hpp>

#include "chat/store.hpp"
#include "conversations/model.hpp"
#include "realtime/events.hpp"

namespace ps::conversations {
namespace {

std::optional<std::string> replay_conversation(db::session& s, const realtime::logged_event& e) {
  if (!e.channel_id) return std::nullopt;
  auto room = chat::store::channel_by_id(s, *e.channel_id);
  if (!room) return std::nullopt;
  return conversation_event_json(e.type, e, *room, store::participants_of(s, room->id));
}

}  // namespace

void add_event_types(realtime::event_catalog& catalog) {
  for (const char* type : {"conversation.created", "conversation.changed"})
    catalog.add(type, replay_conversation);
}

std::string conversation_event_json(std::string_view type, const realtime::logged_event& e,
                                    const chat::channel& room,
                                    const std::vector<store::person>& participants) {
  return realtime::event_text(
      {{"type", type},
       {"community_id", e.community_id},
       {"pos", e.pos},
       {"channel", with_participants(chat::to_shared_json(room), participants)}});
}

}  // namespace ps::conversations
