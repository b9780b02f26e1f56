#pragma once
#include <string>
#include <vector>

#include "notifications/model.hpp"
#include "realtime/event_log.hpp"

// The stream's notification events (docs/api.md, "Notifications"), and their replay.
namespace ps::notifications {

void add_event_types(realtime::event_catalog& catalog);

// notification.created, to its owner alone: {"type","community_id","pos","notification"}.
std::string created_event_json(const realtime::logged_event& e, const notification& n);
// notifications.changed, to a room's audience when many were told of one item at once:
// {"type","community_id","pos","channel_id"}; each client asks GET /notifications again.
std::string changed_event_json(const realtime::logged_event& e);
// notification.read, to its owner's other connections: {"type","community_id","pos","ids"}, or
// "all": true when everything was marked read.
std::string read_event_json(const realtime::logged_event& e);

}  // namespace ps::notifications
