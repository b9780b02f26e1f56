#include <nlohmann/json.hpp>

#include "broadcast/prompts.hpp"
#include "broadcast/routes.hpp"
#include "chat/model.hpp"
#include "http/fields.hpp"

// The routes of question prompts (broadcast/prompts.hpp).
namespace ps::broadcast {

using http::context;
using http::response;
using http::verb;
using nlohmann::json;

namespace {

response one_prompt(int status, const shown_prompt& s) {
  return http::json_response(status, {{"prompt", to_json(s.p, s.v)}});
}

result<std::string> text_of(context& c, const char* name) {
  auto body = c.json_body();
  if (!body) return body.error();
  return http::fields::required_string(*body, name);
}

}  // namespace

void add_prompt_routes(http::router& r) {
  r.add(verb::post, "/api/v1/channels/{id}/prompts", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "channel");
    if (!id) return id.error();
    auto question = text_of(c, "question");
    if (!question) return question.error();
    auto made = create_prompt(c.app, *who, *id, *question);
    if (!made) return made.error();
    return one_prompt(201, *made);
  });

  r.add(verb::get, "/api/v1/channels/{id}/prompts", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "channel");
    if (!id) return id.error();
    auto list = list_prompts(c.app, *who, *id);
    if (!list) return list.error();
    json out = json::array();
    for (const auto& s : *list) out.push_back(to_json(s.p, s.v));
    return http::json_response(200, {{"prompts", out}});
  });

  r.add(verb::get, "/api/v1/prompts/{id}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "prompt");
    if (!id) return id.error();
    auto s = get_prompt(c.app, *who, *id);
    if (!s) return s.error();
    return one_prompt(200, *s);
  });

  r.add(verb::put, "/api/v1/prompts/{id}/answer", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "prompt");
    if (!id) return id.error();
    auto body = text_of(c, "body");
    if (!body) return body.error();
    auto s = answer_prompt(c.app, *who, *id, *body);
    if (!s) return s.error();
    return one_prompt(200, *s);
  });

  for (bool closed : {true, false})
    r.add(closed ? verb::put : verb::del, "/api/v1/prompts/{id}/close",
          [closed](context& c) -> result<response> {
            auto who = c.caller();
            if (!who) return who.error();
            auto id = c.id_param("id", "prompt");
            if (!id) return id.error();
            auto s = set_prompt_closed(c.app, *who, *id, closed);
            if (!s) return s.error();
            return one_prompt(200, *s);
          });

  r.add(verb::get, "/api/v1/prompts/{id}/answers", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "prompt");
    if (!id) return id.error();
    auto before = http::fields::query_integer(c.req.query_param("before"), "before");
    if (!before) return before.error();
    auto page = list_answers(c.app, *who, *id, *before);
    if (!page) return page.error();
    json answers = json::array();
    for (const auto& a : page->answers) answers.push_back(to_json(a));
    return http::json_response(
        200, {{"answers", std::move(answers)},
              {"next_before", page->next_before ? json(*page->next_before) : json(nullptr)}});
  });

  r.add(verb::post, "/api/v1/prompts/{id}/answers/{account_id}/reply",
        [](context& c) -> result<response> {
          auto who = c.caller();
          if (!who) return who.error();
          auto id = c.id_param("id", "prompt");
          if (!id) return id.error();
          auto account = c.id_param("account_id", "answer");
          if (!account) return account.error();
          auto body = text_of(c, "body");
          if (!body) return body.error();
          auto sent = reply_to_answer(c.app, *who, *id, *account, *body);
          if (!sent) return sent.error();
          return http::json_response(201,
                                     {{"channel_id", sent->channel_id},
                                      {"message", json::parse(chat::to_json_text(sent->message))},
                                      {"answer", to_json(sent->replied)}});
        });
}

}  // namespace ps::broadcast
