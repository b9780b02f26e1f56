#include "accounts/routes.hpp"

#include <nlohmann/json.hpp>

#include "accounts/auth.hpp"
#include "accounts/service.hpp"
#include "communities/service.hpp"
#include "http/fields.hpp"

namespace ps::accounts {

using http::context;
using http::response;
using http::verb;
using nlohmann::json;

namespace {

response with_session(int status, const signed_in& s, const config& cfg) {
  response res = http::json_response(status, {{"account", to_json(s.acct)}});
  res.headers.emplace_back("Set-Cookie", session_cookie_header(s.session_token, cfg));
  return res;
}

}  // namespace

void add_routes(http::router& r) {
  r.add(
      verb::post, "/api/v1/accounts",
      [](context& c) -> result<response> {
        auto body = c.json_body();
        if (!body) return body.error();
        http::fields::reader f(*body);
        sign_up_form form{f.text("email"), f.text("password"), f.text("display_name"), f.maybe_text("locale")};
        if (f.error()) return *f.error();
        auto s = sign_up(c.app, form, c.lang(), c.req.header("user-agent"));
        if (!s) return s.error();
        return with_session(201, *s, c.app.cfg);
      },
      http::runs_on::hashing_pool);

  r.add(
      verb::post, "/api/v1/sessions",
      [](context& c) -> result<response> {
        auto body = c.json_body();
        if (!body) return body.error();
        http::fields::reader f(*body);
        auto email = f.text("email");
        auto password = f.text("password");
        if (f.error()) return *f.error();
        auto s = log_in(c.app, email, password, c.req.remote_address, c.req.header("user-agent"));
        if (!s) return s.error();
        return with_session(200, *s, c.app.cfg);
      },
      http::runs_on::hashing_pool);

  r.add(verb::del, "/api/v1/sessions/current", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    log_out(c.app, *who);
    response res = http::no_content();
    res.headers.emplace_back("Set-Cookie", clear_session_cookie_header(c.app.cfg));
    return res;
  });

  r.add(verb::get, "/api/v1/sessions", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    json list = json::array();
    for (const auto& s : list_sessions(c.app, *who)) list.push_back(to_json(s));
    return http::json_response(200, {{"sessions", list}});
  });

  // After /sessions/current, which the router tries first.
  r.add(verb::del, "/api/v1/sessions/{id}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "session");
    if (!id) return id.error();
    if (auto ok = end_session(c.app, *who, *id); !ok) return ok.error();
    response res = http::no_content();
    // Ending one's own session this way is logging out: the browser forgets the cookie too.
    if (who->session_id == *id) res.headers.emplace_back("Set-Cookie", clear_session_cookie_header(c.app.cfg));
    return res;
  });

  r.add(verb::post, "/api/v1/sessions/end-others", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    return http::json_response(200, {{"ended", end_other_sessions(c.app, *who)}});
  });

  r.add(verb::post, "/api/v1/login-links", [](context& c) -> result<response> {
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    auto email = f.text("email");
    if (f.error()) return *f.error();
    if (auto sent = send_login_link(c.app, email, c.req.remote_address); !sent) return sent.error();
    return http::json_response(202, json::object());
  });

  r.add(verb::post, "/api/v1/login-links/{token}", [](context& c) -> result<response> {
    auto s = redeem_login_link(c.app, c.param("token"), c.req.header("user-agent"));
    if (!s) return s.error();
    return with_session(200, *s, c.app.cfg);
  });

  r.add(verb::get, "/api/v1/me", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto acct = profile(c.app, *who);
    if (!acct) return acct.error();
    json memberships = json::array();
    for (const auto& m : communities::memberships_of(c.app, *who)) memberships.push_back(communities::to_json(m));
    return http::json_response(200, {{"account", to_json(*acct)}, {"memberships", memberships}});
  });

  r.add(verb::patch, "/api/v1/me", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    auto name = f.maybe_text("display_name");
    auto lang = f.maybe_text("locale");
    if (f.error()) return *f.error();
    auto acct = update_profile(c.app, *who, name, lang);
    if (!acct) return acct.error();
    return http::json_response(200, {{"account", to_json(*acct)}});
  });

  r.add(
      verb::put, "/api/v1/me/password",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto body = c.json_body();
        if (!body) return body.error();
        http::fields::reader f(*body);
        auto current = f.text("current_password");
        auto replacement = f.text("new_password");
        if (f.error()) return *f.error();
        if (auto ok = change_password(c.app, *who, current, replacement); !ok) return ok.error();
        return http::no_content();
      },
      http::runs_on::hashing_pool);

  r.add(verb::post, "/api/v1/tokens", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto body = c.json_body();
    if (!body) return body.error();
    http::fields::reader f(*body);
    auto name = f.text("name");
    if (f.error()) return *f.error();
    auto t = create_token(c.app, *who, name);
    if (!t) return t.error();
    return http::json_response(201, {{"token", t->secret}, {"personal_token", to_json(t->info)}});
  });

  r.add(verb::get, "/api/v1/tokens", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    json list = json::array();
    for (const auto& t : list_tokens(c.app, *who)) list.push_back(to_json(t));
    return http::json_response(200, {{"tokens", list}});
  });

  r.add(verb::del, "/api/v1/tokens/{id}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "token");
    if (!id) return id.error();
    if (auto ok = revoke_token(c.app, *who, *id); !ok) return ok.error();
    return http::no_content();
  });
}

}  // namespace ps::accounts
