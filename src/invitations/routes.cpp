#include "invitations/routes.hpp"

#include <nlohmann/json.hpp>

#include "communities/model.hpp"
#include "http/fields.hpp"
#include "invitations/service.hpp"

namespace ps::invitations {

using http::context;
using http::response;
using http::verb;
using nlohmann::json;

void add_routes(http::router& r) {
  r.add(verb::post, "/api/v1/communities/{slug}/invitations", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    invitation_form form{f.maybe_integer("max_uses"), f.maybe_integer("expires_in_hours"),
                         f.maybe_text("note"), f.integer_list("tier_ids", 20)};
    if (f.error()) return *f.error();
    auto inv = create_invitation(c.app, *who, c.param("slug"), form);
    if (!inv) return inv.error();
    return http::json_response(201, {{"invitation", to_json(*inv, c.app.cfg.public_url)}});
  });

  r.add(verb::get, "/api/v1/communities/{slug}/invitations", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto list = list_invitations(c.app, *who, c.param("slug"));
    if (!list) return list.error();
    json out = json::array();
    for (const auto& inv : *list) out.push_back(to_json(inv, c.app.cfg.public_url));
    return http::json_response(200, {{"invitations", out}});
  });

  r.add(verb::get, "/api/v1/invitations/{code}", [](context& c) -> result<response> {
    // No login needed; a signed-in caller is told if they may not join.
    auto who = c.caller();
    auto p = preview_invitation(c.app, c.param("code"),
                                who ? std::optional<caller>(*who) : std::nullopt);
    if (!p) return p.error();
    const auto& inv = p->inv;
    return http::json_response(
        200, {{"community",
               {{"name", p->community_name},
                {"description", p->community_description},
                {"slug", p->community_slug},
                {"timezone", p->community_timezone}}},
              {"inviter", {{"display_name", p->inviter_name}}},
              {"invitation",
               {{"expires_at", inv.expires_at ? json(iso8601(*inv.expires_at)) : json()},
                {"max_uses", inv.max_uses ? json(*inv.max_uses) : json()},
                {"uses", inv.uses}}}});
  });

  r.add(verb::post, "/api/v1/invitations/{code}/accept", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto j = accept_invitation(c.app, *who, c.param("code"));
    if (!j) return j.error();
    return http::json_response(j->is_new ? 201 : 200,
                               {{"membership", communities::to_json(j->membership)}});
  });

  r.add(verb::del, "/api/v1/invitations/{code}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    if (auto ok = revoke_invitation(c.app, *who, c.param("code")); !ok) return ok.error();
    return http::no_content();
  });
}

}  // namespace ps::invitations
