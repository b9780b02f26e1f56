#include "newsletter/routes.hpp"

#include <nlohmann/json.hpp>

#include "http/fields.hpp"
#include "newsletter/archive.hpp"
#include "newsletter/service.hpp"
#include "newsletter/subscribers.hpp"
#include "newsletter/tracking.hpp"

namespace ps::newsletter {

using http::context;
using http::response;
using http::runs_on;
using http::verb;
using nlohmann::json;

namespace {

json shown_json(const shown& s) {
  json out = to_json(s.it, s.report ? &*s.report : nullptr);
  out["html"] = s.html;
  return out;
}

result<draft_input> draft_of(const json& body) {
  http::fields::reader f(body);
  draft_input in{f.maybe_text("subject"), f.maybe_text("body"), f.maybe_text("preview_text")};
  if (f.error()) return *f.error();
  return in;
}

json link_json(const link_answer& a) {
  return {{"community", {{"slug", a.place.slug}, {"name", a.place.name}}},
          {"email", a.email},
          {"subscribed", a.subscribed}};
}

}  // namespace

void add_routes(http::router& r) {
  r.add(
      verb::post, "/api/v1/communities/{slug}/newsletters",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto body = c.json_body();
        if (!body) return body.error();
        auto in = draft_of(*body);
        if (!in) return in.error();
        auto made = create_issue(c.app, *who, c.param("slug"), *in);
        if (!made) return made.error();
        return http::json_response(201, {{"newsletter", shown_json(*made)}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::get, "/api/v1/communities/{slug}/newsletters",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto list = list_issues(c.app, *who, c.param("slug"));
        if (!list) return list.error();
        json out = json::array();
        for (const auto& s : *list) out.push_back(shown_json(s));
        return http::json_response(200, {{"newsletters", std::move(out)}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::post, "/api/v1/communities/{slug}/newsletters/preview",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto body = c.json_body();
        if (!body) return body.error();
        auto in = draft_of(*body);
        if (!in) return in.error();
        auto p = preview_issue(c.app, *who, c.param("slug"), *in);
        if (!p) return p.error();
        return http::json_response(
            200,
            {{"email", {{"subject", p->subject}, {"html", p->email_html}, {"text", p->email_text}}},
             {"page", {{"html", p->page_html}}}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::get, "/api/v1/newsletters/{id}",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto id = c.id_param("id", "newsletter");
        if (!id) return id.error();
        auto s = get_issue(c.app, *who, *id);
        if (!s) return s.error();
        return http::json_response(200, {{"newsletter", shown_json(*s)}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::patch, "/api/v1/newsletters/{id}",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto id = c.id_param("id", "newsletter");
        if (!id) return id.error();
        auto body = c.json_body();
        if (!body) return body.error();
        auto in = draft_of(*body);
        if (!in) return in.error();
        auto s = update_issue(c.app, *who, *id, *in);
        if (!s) return s.error();
        return http::json_response(200, {{"newsletter", shown_json(*s)}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::del, "/api/v1/newsletters/{id}",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto id = c.id_param("id", "newsletter");
        if (!id) return id.error();
        if (auto ok = delete_issue(c.app, *who, *id); !ok) return ok.error();
        return http::no_content();
      },
      runs_on::blocking_pool);

  r.add(
      verb::post, "/api/v1/newsletters/{id}/send",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto id = c.id_param("id", "newsletter");
        if (!id) return id.error();
        json body = json::object();
        if (!c.req.body.empty()) {
          auto parsed = c.json_body();
          if (!parsed) return parsed.error();
          body = std::move(*parsed);
        }
        http::fields::reader f(body);
        const auto at = f.maybe_text("at");
        if (f.error()) return *f.error();
        audience_input audience;
        if (auto it = body.find("audience"); it != body.end() && !it->is_null()) {
          if (!it->is_object()) return errors::invalid("audience", field_problem::invalid_format);
          http::fields::reader a(*it);
          audience.members = a.maybe_bool("members");
          audience.subscribers = a.maybe_bool("subscribers");
          if (a.error()) return *a.error();
          // Named: only what is named goes.
          audience.members = audience.members.value_or(false);
          audience.subscribers = audience.subscribers.value_or(false);
        }
        auto s = send_issue(c.app, *who, *id, at, audience);
        if (!s) return s.error();
        return http::json_response(202, {{"newsletter", shown_json(*s)}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::post, "/api/v1/newsletters/{id}/unschedule",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto id = c.id_param("id", "newsletter");
        if (!id) return id.error();
        auto s = unschedule_issue(c.app, *who, *id);
        if (!s) return s.error();
        return http::json_response(200, {{"newsletter", shown_json(*s)}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::post, "/api/v1/newsletters/{id}/test",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto id = c.id_param("id", "newsletter");
        if (!id) return id.error();
        if (auto ok = send_test(c.app, *who, *id); !ok) return ok.error();
        return http::json_response(202, json::object());
      },
      runs_on::blocking_pool);

  r.add(
      verb::get, "/api/v1/newsletters/{id}/comments",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto id = c.id_param("id", "newsletter");
        if (!id) return id.error();
        auto list = list_comments(c.app, *who, *id);
        if (!list) return list.error();
        json out = json::array();
        for (const auto& x : *list) out.push_back(to_json(x));
        return http::json_response(200, {{"comments", std::move(out)}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::post, "/api/v1/newsletters/{id}/comments",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto id = c.id_param("id", "newsletter");
        if (!id) return id.error();
        auto body = c.json_body();
        if (!body) return body.error();
        auto text = http::fields::required_string(*body, "body");
        if (!text) return text.error();
        auto made = add_comment(c.app, *who, *id, *text);
        if (!made) return made.error();
        return http::json_response(201, {{"comment", to_json(*made)}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::get, "/api/v1/communities/{slug}/subscriptions/settings",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto s = get_settings(c.app, *who, c.param("slug"));
        if (!s) return s.error();
        return http::json_response(200, {{"settings", to_json(*s)}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::put, "/api/v1/communities/{slug}/subscriptions/settings",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto body = c.json_body();
        if (!body) return body.error();
        http::fields::reader f(*body);
        settings_input in{f.maybe_bool("public_form"), f.maybe_bool("tracking"),
                          f.maybe_text("sender_name"), f.maybe_text("postal_address")};
        if (f.error()) return *f.error();
        auto s = put_settings(c.app, *who, c.param("slug"), in);
        if (!s) return s.error();
        return http::json_response(200, {{"settings", to_json(*s)}});
      },
      runs_on::blocking_pool);

  r.add(
      verb::get, "/api/v1/communities/{slug}/subscribers",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto before = http::fields::query_integer(c.req.query_param("before"), "before");
        if (!before) return before.error();
        auto page = list_subscribers(c.app, *who, c.param("slug"),
                                     c.req.query_param("status").value_or(""), before->value_or(0));
        if (!page) return page.error();
        json out = json::array();
        for (const auto& s : page->subscribers) out.push_back(to_json(s));
        return http::json_response(
            200, {{"subscribers", std::move(out)},
                  {"next_before", page->next_before ? json(*page->next_before) : json(nullptr)}});
      },
      runs_on::blocking_pool);

  http::route_options csv;
  csv.content_type = "text/csv";
  csv.body_limit = max_import_bytes;
  r.add(
      verb::post, "/api/v1/communities/{slug}/subscribers/import",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto report = import_csv(c.app, *who, c.param("slug"), c.req.body);
        if (!report) return report.error();
        json rejected = json::array();
        for (const auto& r : report->rejected)
          rejected.push_back({{"row", r.row}, {"reason", r.reason}});
        return http::json_response(200, {{"imported", report->imported},
                                         {"merged", report->merged},
                                         {"rejected", std::move(rejected)}});
      },
      runs_on::blocking_pool, csv);

  r.add(
      verb::del, "/api/v1/subscribers/{id}",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto id = c.id_param("id", "subscriber");
        if (!id) return id.error();
        if (auto ok = delete_subscriber(c.app, *who, *id); !ok) return ok.error();
        return http::no_content();
      },
      runs_on::blocking_pool);

  // No login from here on.
  r.add(
      verb::get, "/api/v1/communities/{slug}/subscribe",
      [](context& c) -> result<response> {
        auto form = form_of(c.app, c.param("slug"));
        if (!form) return form.error();
        return http::json_response(200, {{"community",
                                          {{"slug", form->place.slug},
                                           {"name", form->place.name},
                                           {"description", form->place.description}}},
                                         {"form_token", form->form_token}});
      },
      runs_on::blocking_pool);

  http::route_options small;
  small.body_limit = 4096;
  r.add(
      verb::post, "/api/v1/communities/{slug}/subscribe",
      [](context& c) -> result<response> {
        auto body = c.json_body();
        if (!body) return body.error();
        http::fields::reader f(*body);
        subscribe_input in;
        in.email = f.text("email");
        in.name = f.maybe_text("name");
        in.locale = f.maybe_text("locale");
        in.form_token = f.maybe_text("form_token");
        in.website = f.maybe_text("website");
        if (f.error()) return *f.error();
        in.address = c.req.remote_address;
        if (auto ok = subscribe(c.app, c.param("slug"), in); !ok) return ok.error();
        return http::json_response(202, json::object());
      },
      runs_on::blocking_pool, small);

  r.add(
      verb::post, "/api/v1/subscribe/confirm",
      [](context& c) -> result<response> {
        auto body = c.json_body();
        if (!body) return body.error();
        auto token = http::fields::required_string(*body, "token");
        if (!token) return token.error();
        auto a = confirm(c.app, *token);
        if (!a) return a.error();
        return http::json_response(200, link_json(*a));
      },
      runs_on::blocking_pool, small);

  r.add(
      verb::get, "/api/v1/unsubscribe/{token}",
      [](context& c) -> result<response> {
        auto a = unsubscribe_info(c.app, c.param("token"));
        if (!a) return a.error();
        return http::json_response(200, link_json(*a));
      },
      runs_on::blocking_pool);

  // RFC 8058: the mail provider posts "List-Unsubscribe=One-Click" as a form, from its own
  // servers; the token in the path is the whole proof.
  http::route_options one_click;
  one_click.content_type = "application/x-www-form-urlencoded";
  one_click.cross_site = true;
  one_click.body_limit = 4096;
  r.add(
      verb::post, "/api/v1/unsubscribe/{token}",
      [](context& c) -> result<response> {
        auto a = unsubscribe(c.app, c.param("token"));
        if (!a) return a.error();
        return http::json_response(200, link_json(*a));
      },
      runs_on::blocking_pool, one_click);

  r.add(
      verb::post, "/api/v1/unsubscribe/{token}/resubscribe",
      [](context& c) -> result<response> {
        auto a = resubscribe(c.app, c.param("token"));
        if (!a) return a.error();
        return http::json_response(200, link_json(*a));
      },
      runs_on::blocking_pool, small);

  tracking::add_routes(r);
  add_archive_routes(r);
}

}  // namespace ps::newsletter
