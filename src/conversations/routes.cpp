#include "conversations/routes.hpp"

#include <nlohmann/json.hpp>

#include "chat/model.hpp"
#include "conversations/model.hpp"
#include "conversations/service.hpp"
#include "http/fields.hpp"

namespace ps::conversations {

using http::context;
using http::response;
using http::verb;
using nlohmann::json;

namespace {

json conversation_json(const conversation& c) {
  json out = with_participants(chat::to_json(c.room), c.participants);
  out["last_activity_at"] = iso8601(c.last_activity);
  return out;
}

// "member_ids": [account ids], at most a group's size.
result<std::vector<std::int64_t>> member_ids(const json& body) {
  const auto field = body.find("member_ids");
  if (field == body.end() || field->is_null())
    return errors::invalid("member_ids", field_problem::required);
  if (!field->is_array()) return errors::invalid("member_ids", field_problem::invalid_format);
  if (field->size() > max_group_size * 2)
    return errors::invalid("member_ids", field_problem::too_many, max_group_size - 1);
  std::vector<std::int64_t> out;
  for (const auto& id : *field) {
    if (!id.is_number_integer())
      return errors::invalid("member_ids", field_problem::invalid_format);
    out.push_back(id.get<std::int64_t>());
  }
  return out;
}

json settings_json(const settings& s) {
  return {{"direct_messages", s.direct_messages}, {"from_known_only", s.from_known_only}};
}

}  // namespace

void add_routes(http::router& r) {
  r.add(verb::post, "/api/v1/communities/{slug}/conversations", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto body = c.json_body();
    if (!body) return body.error();
    auto ids = member_ids(*body);
    if (!ids) return ids.error();
    http::fields::reader f(*body);
    auto name = f.maybe_text("name");
    if (f.error()) return *f.error();
    auto made = start_conversation(c.app, *who, c.param("slug"), *ids, name);
    if (!made) return made.error();
    return http::json_response(made->created ? 201 : 200,
                               {{"channel", conversation_json(made->c)}});
  });

  r.add(verb::get, "/api/v1/communities/{slug}/conversations", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto list = list_conversations(c.app, *who, c.param("slug"));
    if (!list) return list.error();
    json out = json::array();
    for (const auto& one : *list) out.push_back(conversation_json(one));
    return http::json_response(200, {{"channels", out}});
  });

  r.add(verb::post, "/api/v1/channels/{id}/participants", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "channel");
    if (!id) return id.error();
    auto body = c.json_body();
    if (!body) return body.error();
    auto ids = member_ids(*body);
    if (!ids) return ids.error();
    auto changed = add_participants(c.app, *who, *id, *ids);
    if (!changed) return changed.error();
    return http::json_response(200, {{"channel", conversation_json(*changed)}});
  });

  r.add(verb::del, "/api/v1/channels/{id}/participants/me", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "channel");
    if (!id) return id.error();
    if (auto ok = leave_conversation(c.app, *who, *id); !ok) return ok.error();
    return http::no_content();
  });

  r.add(verb::get, "/api/v1/communities/{slug}/conversation-settings",
        [](context& c) -> result<response> {
          auto who = c.caller();
          if (!who) return who.error();
          auto s = settings_of(c.app, *who, c.param("slug"));
          if (!s) return s.error();
          return http::json_response(200, {{"settings", settings_json(*s)}});
        });

  r.add(verb::patch, "/api/v1/communities/{slug}/conversation-settings",
        [](context& c) -> result<response> {
          auto who = c.caller();
          if (!who) return who.error();
          auto body = c.json_body();
          if (!body) return body.error();
          http::fields::reader f(*body);
          auto direct = f.maybe_bool("direct_messages");
          auto known = f.maybe_bool("from_known_only");
          if (f.error()) return *f.error();
          auto s = change_settings(c.app, *who, c.param("slug"), direct, known);
          if (!s) return s.error();
          return http::json_response(200, {{"settings", settings_json(*s)}});
        });
}

}  // namespace ps::conversations
