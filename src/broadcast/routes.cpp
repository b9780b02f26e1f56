#include "broadcast/routes.hpp"

#include <nlohmann/json.hpp>

#include "broadcast/service.hpp"
#include "http/fields.hpp"

namespace ps::broadcast {

using http::context;
using http::response;
using http::verb;
using nlohmann::json;

namespace {

response one_poll(context& c, int status, const shown& s) {
  return http::json_response(status, {{"poll", to_json(s.p, s.v, c.app.clock.now())}});
}

// A JSON array of strings or integers, at most `most` long.
template <class T>
result<std::vector<T>> list_field(const json& body, const char* name, std::size_t most) {
  const auto field = body.find(name);
  if (field == body.end() || field->is_null())
    return errors::invalid(name, field_problem::required);
  if (!field->is_array()) return errors::invalid(name, field_problem::invalid_format);
  if (field->size() > most)
    return errors::invalid(name, field_problem::too_many, static_cast<long>(most));
  std::vector<T> out;
  for (const auto& v : *field) {
    if constexpr (std::is_same_v<T, std::string>) {
      if (!v.is_string()) return errors::invalid(name, field_problem::invalid_format);
    } else {
      if (!v.is_number_integer()) return errors::invalid(name, field_problem::invalid_format);
    }
    out.push_back(v.get<T>());
  }
  return out;
}

}  // namespace

void add_routes(http::router& r) {
  add_prompt_routes(r);
  r.add(verb::post, "/api/v1/channels/{id}/polls", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "channel");
    if (!id) return id.error();
    auto body = c.json_body();
    if (!body) return body.error();
    auto options = list_field<std::string>(*body, "options", max_options);
    if (!options) return options.error();
    http::fields::reader f(*body);
    new_poll input;
    input.question = f.text("question");
    input.options = std::move(*options);
    input.multiple = f.maybe_bool("multiple").value_or(false);
    input.anonymous = f.maybe_bool("anonymous").value_or(true);
    input.closes_at = f.maybe_text("closes_at");
    if (f.error()) return *f.error();
    auto made = create_poll(c.app, *who, *id, input);
    if (!made) return made.error();
    return one_poll(c, 201, *made);
  });

  r.add(verb::get, "/api/v1/channels/{id}/polls", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "channel");
    if (!id) return id.error();
    auto list = list_polls(c.app, *who, *id);
    if (!list) return list.error();
    json out = json::array();
    const millis now = c.app.clock.now();
    for (const auto& s : *list) out.push_back(to_json(s.p, s.v, now));
    return http::json_response(200, {{"polls", out}});
  });

  r.add(verb::get, "/api/v1/polls/{id}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "poll");
    if (!id) return id.error();
    auto s = get_poll(c.app, *who, *id);
    if (!s) return s.error();
    return one_poll(c, 200, *s);
  });

  r.add(verb::put, "/api/v1/polls/{id}/vote", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "poll");
    if (!id) return id.error();
    auto body = c.json_body();
    if (!body) return body.error();
    auto ids = list_field<std::int64_t>(*body, "option_ids", max_options);
    if (!ids) return ids.error();
    auto s = vote(c.app, *who, *id, *ids);
    if (!s) return s.error();
    return one_poll(c, 200, *s);
  });

  for (bool muted : {true, false})
    r.add(muted ? verb::put : verb::del, "/api/v1/channels/{id}/mute",
          [muted](context& c) -> result<response> {
            auto who = c.caller();
            if (!who) return who.error();
            auto id = c.id_param("id", "channel");
            if (!id) return id.error();
            if (auto ok = set_muted(c.app, *who, *id, muted); !ok) return ok.error();
            return http::no_content();
          });

  r.add(verb::get, "/api/v1/communities/{slug}/mutes", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto ids = muted_rooms(c.app, *who, c.param("slug"));
    if (!ids) return ids.error();
    return http::json_response(200, {{"channel_ids", *ids}});
  });
}

}  // namespace ps::broadcast
