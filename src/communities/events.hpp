#pragma once
#include <optional>
#include <string>

#include "db/database.hpp"
#include "realtime/event_log.hpp"

// The events of membership, logged with subject_id = the member's account:
// member.joined {member}, member.removed {account_id} (also when someone leaves),
// member.role_changed {member}, member.renamed {account_id, display_name}; and a change of the
// community's own settings, community.updated {community} (name, description, language, time
// zone, who may invite), logged with subject_id = the community.
namespace ps::communities {

void add_event_types(realtime::event_catalog& catalog);
// The frame's JSON from the current state of the member; nothing when a joined or changed
// member is no longer there (a later member.removed says so).
std::optional<std::string> render_member_event(db::session& s, const realtime::logged_event& e);
// community.updated as the community is now.
std::optional<std::string> render_community_event(db::session& s, const realtime::logged_event& e);

}  // namespace ps::communities
