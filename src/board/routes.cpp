#include "board/routes.hpp"

#include <nlohmann/json.hpp>

#include "board/service.hpp"
#include "files/model.hpp"
#include "http/fields.hpp"

namespace ps::board {

using http::context;
using http::response;
using http::verb;
using nlohmann::json;

namespace {

response one_post(int status, const post& p) {
  return http::json_response(status, {{"post", to_json(p)}});
}

// PUT|DELETE /posts/{id}/pin and /lock: hosts only.
template <class Change>
result<response> host_switch(context& c, Change change) {
  auto who = c.caller();
  if (!who) return who.error();
  auto id = c.id_param("id", "post");
  if (!id) return id.error();
  auto p = change(*who, *id);
  if (!p) return p.error();
  return one_post(200, *p);
}

result<response> react_post_route(context& c, bool add) {
  auto who = c.caller();
  if (!who) return who.error();
  auto id = c.id_param("id", "post");
  if (!id) return id.error();
  auto p = react_to_post(c.app, *who, *id, c.param("emoji"), add);
  if (!p) return p.error();
  return one_post(200, *p);
}

result<response> react_comment_route(context& c, bool add) {
  auto who = c.caller();
  if (!who) return who.error();
  auto id = c.id_param("id", "comment");
  if (!id) return id.error();
  auto m = react_to_comment(c.app, *who, *id, c.param("emoji"), add);
  if (!m) return m.error();
  return http::json_response(200, {{"comment", to_json(*m)}});
}

}  // namespace

void add_routes(http::router& r) {
  r.add(verb::post, "/api/v1/channels/{id}/posts", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "channel");
    if (!id) return id.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    new_post input;
    input.title = f.maybe_text("title");
    input.body = f.text("body");
    input.file_ids = f.integer_list("file_ids", files::max_files_per_item);
    if (f.error()) return *f.error();
    auto p = create_post(c.app, *who, *id, input);
    if (!p) return p.error();
    return one_post(201, *p);
  });

  r.add(verb::get, "/api/v1/channels/{id}/posts", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "channel");
    if (!id) return id.error();
    auto list = list_posts(c.app, *who, *id);
    if (!list) return list.error();
    json out = json::array();
    for (const auto& p : *list) out.push_back(to_json(p));
    return http::json_response(200, {{"posts", out}});
  });

  r.add(verb::post, "/api/v1/posts/{id}/comments", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "post");
    if (!id) return id.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    new_comment input;
    input.body = f.text("body");
    input.parent_id = f.maybe_integer("parent_id");
    input.file_ids = f.integer_list("file_ids", files::max_files_per_item);
    if (f.error()) return *f.error();
    auto made = create_comment(c.app, *who, *id, input);
    if (!made) return made.error();
    return http::json_response(201, {{"comment", to_json(*made)}});
  });

  r.add(verb::get, "/api/v1/posts/{id}/comments", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "post");
    if (!id) return id.error();
    auto page = list_comments(c.app, *who, *id);
    if (!page) return page.error();
    json comments = json::array();
    for (const auto& m : page->comments) comments.push_back(to_json(m));
    return http::json_response(
        200, {{"comments", comments},
              {"post", to_json(page->of)},
              {"last_seen_comment_id",
               page->last_seen_comment_id ? json(*page->last_seen_comment_id) : json(nullptr)}});
  });

  r.add(verb::put, "/api/v1/posts/{id}/seen", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "post");
    if (!id) return id.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    auto comment_id = f.maybe_integer("comment_id");
    if (f.error()) return *f.error();
    if (!comment_id) return errors::invalid("comment_id", field_problem::required);
    if (auto ok = mark_seen(c.app, *who, *id, *comment_id); !ok) return ok.error();
    return http::no_content();
  });

  r.add(verb::put, "/api/v1/posts/{id}/pin", [](context& c) -> result<response> {
    // The caller first: a refused session learns nothing, whatever the body says.
    if (auto who = c.caller(); !who) return who.error();
    // An optional {"order": n} places it among the pinned posts (lowest first).
    std::optional<std::int64_t> order;
    if (!c.req.body.empty()) {
      auto body = c.json_body();
      if (!body) return body.error();
      http::fields::reader f(*body);
      order = f.maybe_integer("order");
      if (f.error()) return *f.error();
    }
    return host_switch(c, [&](const caller& who, std::int64_t id) {
      return set_pinned(c.app, who, id, true, order);
    });
  });
  r.add(verb::del, "/api/v1/posts/{id}/pin", [](context& c) -> result<response> {
    return host_switch(
        c, [&](const caller& who, std::int64_t id) { return set_pinned(c.app, who, id, false); });
  });
  r.add(verb::put, "/api/v1/posts/{id}/lock", [](context& c) -> result<response> {
    return host_switch(
        c, [&](const caller& who, std::int64_t id) { return set_locked(c.app, who, id, true); });
  });
  r.add(verb::del, "/api/v1/posts/{id}/lock", [](context& c) -> result<response> {
    return host_switch(
        c, [&](const caller& who, std::int64_t id) { return set_locked(c.app, who, id, false); });
  });

  r.add(verb::patch, "/api/v1/posts/{id}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "post");
    if (!id) return id.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    post_edit edit;
    edit.title = f.maybe_text("title");
    edit.body = f.maybe_text("body");
    if (f.error()) return *f.error();
    auto p = edit_post(c.app, *who, *id, edit);
    if (!p) return p.error();
    return one_post(200, *p);
  });
  r.add(verb::del, "/api/v1/posts/{id}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "post");
    if (!id) return id.error();
    if (auto ok = delete_post(c.app, *who, *id); !ok) return ok.error();
    return http::no_content();
  });
  r.add(verb::patch, "/api/v1/comments/{id}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "comment");
    if (!id) return id.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    auto text = f.text("body");
    if (f.error()) return *f.error();
    auto m = edit_comment(c.app, *who, *id, text);
    if (!m) return m.error();
    return http::json_response(200, {{"comment", to_json(*m)}});
  });
  r.add(verb::del, "/api/v1/comments/{id}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "comment");
    if (!id) return id.error();
    if (auto ok = delete_comment(c.app, *who, *id); !ok) return ok.error();
    return http::no_content();
  });
  r.add(verb::put, "/api/v1/posts/{id}/reactions/{emoji}",
        [](context& c) { return react_post_route(c, true); });
  r.add(verb::del, "/api/v1/posts/{id}/reactions/{emoji}",
        [](context& c) { return react_post_route(c, false); });
  r.add(verb::put, "/api/v1/comments/{id}/reactions/{emoji}",
        [](context& c) { return react_comment_route(c, true); });
  r.add(verb::del, "/api/v1/comments/{id}/reactions/{emoji}",
        [](context& c) { return react_comment_route(c, false); });
}

}  // namespace ps::board
