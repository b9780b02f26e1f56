#include "mentions/routes.hpp"

#include <nlohmann/json.hpp>

#include "http/fields.hpp"
#include "mentions/service.hpp"

namespace ps::mentions {

using http::context;
using http::response;
using http::verb;

void add_routes(http::router& r) {
  // The autocomplete of '@': on the blocking pool, since a community room's candidates are all
  // of its members, folded and ranked.
  r.add(
      verb::get, "/api/v1/channels/{id}/mentionable",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto id = c.id_param("id", "channel");
        if (!id) return id.error();
        auto limit = http::fields::query_integer(c.req.query_param("limit"), "limit");
        if (!limit) return limit.error();
        const int wanted =
            *limit ? static_cast<int>(std::clamp<std::int64_t>(**limit, -1, 1000)) : 8;
        auto found = mentionable(c.app, *who, *id, c.req.query_param("q").value_or(""), wanted);
        if (!found) return found.error();
        nlohmann::json members = nlohmann::json::array();
        for (const auto& m : found->members)
          members.push_back({{"id", m.account_id}, {"display_name", m.display_name}});
        return http::json_response(
            200, {{"members", members}, {"everyone", found->everyone}, {"here", found->here}});
      },
      http::runs_on::blocking_pool);
}

}  // namespace ps::mentions
