#include "communities/events.hpp"

#include <nlohmann/json.hpp>

#include "communities/store.hpp"
#include "realtime/events.hpp"

namespace ps::communities {

std::optional<std::string> render_member_event(db::session& s, const realtime::logged_event& e) {
  using nlohmann::json;
  if (!e.subject_id) return std::nullopt;
  json out = {{"type", e.type}, {"community_id", e.community_id}, {"pos", e.pos}};
  if (e.type == "member.removed") {
    out["account_id"] = *e.subject_id;
  } else {
    auto m = store::current_member(s, e.community_id, *e.subject_id);
    if (!m) return std::nullopt;
    if (e.type == "member.renamed") {
      out["account_id"] = m->account_id;
      out["display_name"] = m->display_name;
    } else {
      out["member"] = to_json(*m);
    }
  }
  return realtime::event_text(out);
}

std::optional<std::string> render_community_event(db::session& s, const realtime::logged_event& e) {
  auto c = store::community_by_id(s, e.community_id);
  if (!c) return std::nullopt;
  return realtime::event_text(
      {{"type", e.type}, {"community_id", e.community_id}, {"pos", e.pos}, {"community", to_json(*c)}});
}

void add_event_types(realtime::event_catalog& catalog) {
  for (const char* type : {"member.joined", "member.removed", "member.role_changed", "member.renamed"})
    catalog.add(type, render_member_event);
  catalog.add("community.updated", render_community_event);
}

}  // namespace ps::communities
