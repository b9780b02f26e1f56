#include "broadcast/events.hpp"

#include <nlohmann/json.hpp>

#include "broadcast/store.hpp"
#include "realtime/events.hpp"

namespace ps::broadcast {
namespace {

std::optional<std::string> replay_poll(db::session& s, const realtime::logged_event& e) {
  if (!e.subject_id) return std::nullopt;
  auto p = store::poll_by_id(s, *e.subject_id);
  if (!p) return std::nullopt;
  // Closed or not as of the event's own time: a replayed poll.created stays open.
  return poll_event_json(e.type, e, *p,
                         e.type == "poll.closed" && p->closes_at ? *p->closes_at : e.created_at);
}

}  // namespace

void add_event_types(realtime::event_catalog& catalog) {
  for (const char* type : {"poll.created", "poll.voted", "poll.closed"})
    catalog.add(type, replay_poll);
}

std::string poll_event_json(std::string_view type, const realtime::logged_event& e, const poll& p,
                            millis now) {
  return realtime::event_text({{"type", type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"poll", to_json(p, view{}, now)}});
}

std::string mute_event_json(const realtime::logged_event& e, bool muted) {
  return realtime::event_text({{"type", e.type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"channel_id", e.channel_id.value_or(0)},
                               {"muted", muted}});
}

}  // namespace ps::broadcast
