#include "push/routes.hpp"

#include <nlohmann/json.hpp>

#include "push/service.hpp"

namespace ps::push {

using http::context;
using http::response;
using http::verb;

void add_routes(http::router& r) {
  // The applicationServerKey a browser subscribes with.
  r.add(verb::get, "/api/v1/push/key", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    if (!c.app.vapid) return errors::not_found("push");
    return http::json_response(200, {{"public_key", c.app.vapid->public_key}});
  });

  r.add(
      verb::post, "/api/v1/push/subscriptions",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto body = c.json_body();
        if (!body) return body.error();
        auto sub = subscribe(c.app, *who, *body);
        if (!sub) return sub.error();
        return http::json_response(201, {{"subscription",
                                          {{"id", sub->id},
                                           {"endpoint", sub->endpoint},
                                           {"created_at", iso8601(sub->created_at)}}}});
      },
      http::runs_on::blocking_pool);

  r.add(
      verb::del, "/api/v1/push/subscriptions",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto removed = unsubscribe(c.app, *who, c.req.query_param("endpoint").value_or(""));
        if (!removed) return removed.error();
        return http::no_content();
      },
      http::runs_on::blocking_pool);
}

}  // namespace ps::push
