#include "chat/routes.hpp"

#include <nlohmann/json.hpp>

#include "chat/service.hpp"
#include "files/model.hpp"
#include "http/fields.hpp"

namespace ps::chat {

using http::context;
using http::response;
using http::verb;
using nlohmann::json;

namespace {

constexpr std::size_t post_body_limit = 64 * 1024;

result<std::optional<std::int64_t>> query_integer(const context& c, const char* name) {
  return http::fields::query_integer(c.req.query_param(name), name);
}

response one_message(int status, const message& m) {
  std::string body = "{\"message\":";
  append_json(body, m);
  body += '}';
  return http::raw_json_response(status, std::move(body));
}

// "participants": [account ids], for the rooms only participants see.
result<std::vector<std::int64_t>> participant_ids(const json& body) {
  std::vector<std::int64_t> out;
  const auto field = body.find("participants");
  if (field == body.end() || field->is_null()) return out;
  if (!field->is_array() || field->size() > max_participants)
    return errors::invalid("participants", field_problem::invalid_format);
  for (const auto& id : *field) {
    if (!id.is_number_integer())
      return errors::invalid("participants", field_problem::invalid_format);
    out.push_back(id.get<std::int64_t>());
  }
  return out;
}

result<response> react_route(context& c, bool add) {
  auto who = c.caller();
  if (!who) return who.error();
  auto id = c.id_param("id", "message");
  if (!id) return id.error();
  auto m = react(c.app, *who, *id, c.param("emoji"), add);
  if (!m) return m.error();
  return one_message(200, *m);
}

}  // namespace

void add_routes(http::router& r) {
  r.add(verb::post, "/api/v1/communities/{slug}/channels", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    auto name = f.text("name");
    auto kind = f.maybe_text("kind").value_or("chat");
    if (f.error()) return *f.error();
    auto participants = participant_ids(*body);
    if (!participants) return participants.error();
    auto ch = create_channel(c.app, *who, c.param("slug"), name, kind, *participants);
    if (!ch) return ch.error();
    return http::json_response(201, {{"channel", to_json(*ch)}});
  });

  r.add(verb::get, "/api/v1/communities/{slug}/channels", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto list = list_channels(c.app, *who, c.param("slug"));
    if (!list) return list.error();
    json out = json::array();
    for (const auto& ch : *list) out.push_back(to_json(ch));
    return http::json_response(200, {{"channels", out}});
  });

  r.add(verb::patch, "/api/v1/channels/{id}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "channel");
    if (!id) return id.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    auto name = f.maybe_text("name");
    auto archived = f.maybe_bool("archived");
    if (f.error()) return *f.error();
    auto ch = update_channel(c.app, *who, *id, name, archived);
    if (!ch) return ch.error();
    return http::json_response(200, {{"channel", to_json(*ch)}});
  });

  // The hottest write: queued from the network thread, answered when its group commits. Its
  // body is parsed there, so it is held to what a post can need: max_body_length code points,
  // each at most 12 bytes when escaped as a JSON surrogate pair, and room for the other fields.
  static_assert(max_body_length * 12 + 4096 <= post_body_limit);
  r.add_queued(
      verb::post, "/api/v1/channels/{id}/messages",
      [](context& c, http::reply_fn reply) {
        auto who = c.caller();
        if (!who) return reply(who.error());
        auto id = c.id_param("id", "channel");
        if (!id) return reply(id.error());
        auto body = c.json_body();
        if (!body) return reply(body.error());
        http::fields::reader f(*body);
        new_message input{f.text("body"), f.maybe_integer("parent_id"), f.maybe_text("client_id"),
                          f.integer_list("file_ids", files::max_files_per_item)};
        if (f.error()) return reply(*f.error());
        // The reply is built back on this request's network thread, not on the writer's.
        post_message_then(
            c.app, *who, *id, input,
            [reply = std::move(reply)](result<message> m) {
              if (!m) return reply(m.error());
              reply(one_message(201, *m));
            },
            c.continue_on);
      },
      post_body_limit);

  r.add(verb::get, "/api/v1/channels/{id}/messages", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "channel");
    if (!id) return id.error();
    auto before = query_integer(c, "before");
    if (!before) return before.error();
    auto after = query_integer(c, "after");
    if (!after) return after.error();
    auto limit = query_integer(c, "limit");
    if (!limit) return limit.error();
    page_request page{*before, *after, 50};
    if (*limit) {
      if (**limit < 1 || **limit > max_page)
        return errors::invalid("limit", field_problem::out_of_range);
      page.limit = static_cast<int>(**limit);
    }
    if (!page.before && !page.after) {  // the page everyone opens a channel with
      auto json = latest_page_json(c.app, *who, *id, page.limit);
      if (!json) return json.error();
      return http::raw_json_response(200, std::move(*json));
    }
    auto messages = history(c.app, *who, *id, page);
    if (!messages) return messages.error();
    return http::raw_json_response(200, message_list_json("messages", *messages));
  });

  r.add(verb::post, "/api/v1/channels/{id}/read", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "channel");
    if (!id) return id.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    auto seq = f.integer("seq");
    if (f.error()) return *f.error();
    auto ch = mark_read(c.app, *who, *id, seq);
    if (!ch) return ch.error();
    return http::json_response(200, {{"channel", to_json(*ch)}});
  });

  r.add(verb::get, "/api/v1/messages/{id}/thread", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "message");
    if (!id) return id.error();
    auto t = thread_of(c.app, *who, *id);
    if (!t) return t.error();
    std::string body = message_list_json("replies", t->replies);
    body.insert(1, "\"parent\":" + to_json_text(t->parent) + ",");
    return http::raw_json_response(200, std::move(body));
  });

  r.add(verb::patch, "/api/v1/messages/{id}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "message");
    if (!id) return id.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    auto text = f.text("body");
    if (f.error()) return *f.error();
    auto m = edit_message(c.app, *who, *id, text);
    if (!m) return m.error();
    return one_message(200, *m);
  });

  r.add(verb::del, "/api/v1/messages/{id}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "message");
    if (!id) return id.error();
    if (auto ok = delete_message(c.app, *who, *id); !ok) return ok.error();
    return http::no_content();
  });

  r.add(verb::put, "/api/v1/messages/{id}/reactions/{emoji}",
        [](context& c) { return react_route(c, true); });
  r.add(verb::del, "/api/v1/messages/{id}/reactions/{emoji}",
        [](context& c) { return react_route(c, false); });
}

}  // namespace ps::chat
