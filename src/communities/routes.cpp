#include "communities/routes.hpp"

#include <nlohmann/json.hpp>

#include "communities/service.hpp"
#include "http/fields.hpp"

namespace ps::communities {

using http::context;
using http::response;
using http::verb;
using nlohmann::json;

namespace {
json community_with_membership(const member_ref& ref) {
  json out = to_json(ref.place);
  out["membership"] = to_json(ref.self);
  return out;
}
}  // namespace

void add_routes(http::router& r) {
  r.add(verb::post, "/api/v1/communities", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    community_form form{f.text("name"), f.maybe_text("slug"), f.maybe_text("description"),
                        f.maybe_text("locale"), f.maybe_text("timezone")};
    if (f.error()) return *f.error();
    auto created = create_community(c.app, *who, form);
    if (!created) return created.error();
    return http::json_response(201, {{"community", community_with_membership(*created)}});
  });

  r.add(verb::get, "/api/v1/communities/{slug}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto ref = community_details(c.app, *who, c.param("slug"));
    if (!ref) return ref.error();
    return http::json_response(200, {{"community", community_with_membership(*ref)}});
  });

  r.add(verb::patch, "/api/v1/communities/{slug}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    community_changes changes{f.maybe_text("name"),          f.maybe_text("description"),
                              f.maybe_text("locale"),        f.maybe_text("timezone"),
                              f.maybe_bool("members_can_invite"), f.maybe_integer("member_invite_quota")};
    if (f.error()) return *f.error();
    auto updated = update_community(c.app, *who, c.param("slug"), changes);
    if (!updated) return updated.error();
    auto ref = community_details(c.app, *who, c.param("slug"));
    if (!ref) return ref.error();
    return http::json_response(200, {{"community", community_with_membership(*ref)}});
  });

  r.add(verb::get, "/api/v1/communities/{slug}/members", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto members = list_members(c.app, *who, c.param("slug"));
    if (!members) return members.error();
    json list = json::array();
    for (const auto& m : *members) list.push_back(to_json(m));
    return http::json_response(200, {{"members", list}});
  });

  r.add(verb::patch, "/api/v1/communities/{slug}/members/{account_id}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("account_id", "member");
    if (!id) return id.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    auto role_text = f.text("role");
    if (f.error()) return *f.error();
    auto changed = change_role(c.app, *who, c.param("slug"), *id, role_text);
    if (!changed) return changed.error();
    return http::json_response(200, {{"member", to_json(*changed)}});
  });

  r.add(verb::del, "/api/v1/communities/{slug}/members/{account_id}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("account_id", "member");
    if (!id) return id.error();
    if (auto ok = remove_member(c.app, *who, c.param("slug"), *id); !ok) return ok.error();
    return http::no_content();
  });

  r.add(verb::get, "/api/v1/communities/{slug}/removed", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto removed = list_removed(c.app, *who, c.param("slug"));
    if (!removed) return removed.error();
    json list = json::array();
    for (const auto& r : *removed) list.push_back(to_json(r));
    return http::json_response(200, {{"removed", list}});
  });

  r.add(verb::del, "/api/v1/communities/{slug}/removed/{account_id}",
        [](context& c) -> result<response> {
          auto who = c.caller();
          if (!who) return who.error();
          auto id = c.id_param("account_id", "removal");
          if (!id) return id.error();
          if (auto ok = let_back_in(c.app, *who, c.param("slug"), *id); !ok) return ok.error();
          return http::no_content();
        });
}

}  // namespace ps::communities
