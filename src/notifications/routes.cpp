#include "notifications/routes.hpp"

#include <nlohmann/json.hpp>

#include "http/fields.hpp"
#include "notifications/service.hpp"

namespace ps::notifications {

using http::context;
using http::response;
using http::verb;

namespace {

response level_response(const room_level& l) {
  return http::json_response(200, {{"level", level_name(l.chosen)},
                                   {"default", level_name(l.usual)},
                                   {"is_default", l.is_default}});
}

}  // namespace

void add_routes(http::router& r) {
  r.add(verb::get, "/api/v1/me/notifications", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    return http::json_response(200, {{"settings", to_json(settings_for(c.app, *who))}});
  });

  r.add(
      verb::put, "/api/v1/me/notifications",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto body = c.json_body();
        if (!body) return body.error();
        auto saved = change_settings(c.app, *who, *body);
        if (!saved) return saved.error();
        return http::json_response(200, {{"settings", to_json(*saved)}});
      },
      http::runs_on::blocking_pool);

  r.add(verb::get, "/api/v1/notifications", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto before = http::fields::query_integer(c.req.query_param("before"), "before");
    if (!before) return before.error();
    auto limit = http::fields::query_integer(c.req.query_param("limit"), "limit");
    if (!limit) return limit.error();
    const int wanted =
        *limit ? static_cast<int>(std::clamp<std::int64_t>(**limit, -1, 1000)) : default_page;
    auto found = list(c.app, *who, *before, wanted);
    if (!found) return found.error();
    std::string out = "{\"notifications\":[";
    for (std::size_t i = 0; i < found->items.size(); ++i) {
      if (i) out += ',';
      out += to_json(found->items[i]);
    }
    out += "],\"unread\":" + std::to_string(found->unread);
    if (found->next_before) out += ",\"next_before\":" + std::to_string(*found->next_before);
    out += '}';
    return http::raw_json_response(200, std::move(out));
  });

  r.add(
      verb::post, "/api/v1/notifications/read",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto body = c.json_body();
        if (!body) return body.error();
        std::optional<std::vector<std::int64_t>> ids;
        if (body->contains("ids") && !(*body)["ids"].is_null()) {
          auto listed = http::fields::optional_integer_list(*body, "ids", max_ids_per_read);
          if (!listed) return listed.error();
          ids = std::move(*listed);
        }
        auto unread = mark_read(c.app, *who, ids);
        if (!unread) return unread.error();
        return http::json_response(200, {{"unread", *unread}});
      },
      http::runs_on::blocking_pool);

  r.add(verb::get, "/api/v1/channels/{id}/notifications", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "channel");
    if (!id) return id.error();
    auto l = level_in(c.app, *who, *id);
    if (!l) return l.error();
    return level_response(*l);
  });

  r.add(
      verb::put, "/api/v1/channels/{id}/notifications",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto id = c.id_param("id", "channel");
        if (!id) return id.error();
        auto body = c.json_body();
        if (!body) return body.error();
        http::fields::reader f(*body);
        auto name = f.text("level");
        if (f.error()) return *f.error();
        std::optional<level> chosen;
        if (name != "default") {
          chosen = parse_level(name);
          if (!chosen) return errors::invalid("level", field_problem::not_allowed);
        }
        auto l = choose_level(c.app, *who, *id, chosen);
        if (!l) return l.error();
        return level_response(*l);
      },
      http::runs_on::blocking_pool);
}

}  // namespace ps::notifications
