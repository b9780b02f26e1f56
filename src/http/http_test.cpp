#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/dispatcher.hpp"
#include "http/router.hpp"
#include "testing/test_app.hpp"

namespace ps::http {
namespace {

using nlohmann::json;

std::string_view header_of(const response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

TEST(Request, ParsesQueryAndCookies) {
  request r;
  r.query = "before=10&limit=5&q=caf%C3%A9+au+lait";
  r.headers = {{"cookie", "a=1; ps_session=abc; b=2"}};
  EXPECT_EQ(r.query_param("before"), "10");
  EXPECT_EQ(r.query_param("q"), "café au lait");
  EXPECT_FALSE(r.query_param("after").has_value());
  EXPECT_EQ(r.cookie("ps_session"), "abc");
  EXPECT_FALSE(r.cookie("missing").has_value());
}

TEST(Router, MatchesParametersAndTellsMethodFromPath) {
  router rt;
  rt.add(verb::get, "/api/v1/channels/{id}/messages",
         [](context&) -> result<response> { return response{}; });
  auto m = rt.find(verb::get, "/api/v1/channels/42/messages");
  ASSERT_NE(m.found, nullptr);
  EXPECT_EQ(m.params.at(0), (std::pair<std::string, std::string>{"id", "42"}));
  auto wrong_method = rt.find(verb::post, "/api/v1/channels/42/messages");
  EXPECT_EQ(wrong_method.found, nullptr);
  EXPECT_TRUE(wrong_method.path_exists);
  EXPECT_FALSE(rt.find(verb::get, "/api/v1/channels/42").path_exists);
}

TEST(Csrf, CookieRequestsMustBeJsonOrMarked) {
  request r;
  r.method = verb::post;
  r.headers = {{"cookie", "ps_session=abc"}, {"content-type", "text/plain"}};
  EXPECT_TRUE(is_cross_site_risk(r));
  r.headers = {{"cookie", "ps_session=abc"}, {"content-type", "application/json; charset=utf-8"}};
  EXPECT_FALSE(is_cross_site_risk(r));
  r.headers = {{"cookie", "ps_session=abc"}, {"x-requested-with", "petitesalle"}};
  EXPECT_FALSE(is_cross_site_risk(r));
  r.headers = {{"cookie", "ps_session=abc"}, {"authorization", "Basic abcdefgh"}};
  EXPECT_TRUE(is_cross_site_risk(r));
  r.headers = {{"cookie", "ps_session=abc"}, {"authorization", "Bearer psat_x"}};
  EXPECT_FALSE(is_cross_site_risk(r));
  r.headers = {{"content-type", "text/plain"}};  // no session: nothing to ride on
  EXPECT_FALSE(is_cross_site_risk(r));
  r.method = verb::get;
  r.headers = {{"cookie", "ps_session=abc"}};
  EXPECT_FALSE(is_cross_site_risk(r));
}

class Dispatcher : public ::testing::Test {
 protected:
  testing::test_app t;
  dispatcher d{t.app(), std::nullopt};

  response call(verb method, std::string path, std::string body = "",
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    request r;
    r.method = method;
    r.path = std::move(path);
    r.body = std::move(body);
    r.headers = std::move(headers);
    if (!r.body.empty() && r.header("content-type").empty())
      r.headers.emplace_back("content-type", "application/json");
    return d.handle(r);
  }
  static json body(const response& r) { return json::parse(r.body); }
};

TEST_F(Dispatcher, EveryResponseCarriesSecurityHeaders) {
  auto r = call(verb::get, "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(header_of(r, "Content-Security-Policy").find("script-src 'self'"),
            std::string_view::npos);
  EXPECT_EQ(header_of(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(header_of(r, "Referrer-Policy").empty());
}

TEST_F(Dispatcher, UnknownRoutesAndMethodsAreJsonErrors) {
  auto r = call(verb::get, "/api/v1/nowhere");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(body(r)["error"]["code"], "not_found");
  auto m = call(verb::put, "/api/v1/accounts", "{}");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(body(m)["error"]["code"], "method_not_allowed");
}

TEST_F(Dispatcher, MalformedJsonIs400AndMissingFieldIs422) {
  auto bad = call(verb::post, "/api/v1/accounts", "{nope");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(body(bad)["error"]["code"], "malformed_json");
  auto arr = call(verb::post, "/api/v1/accounts", "[1,2]");
  EXPECT_EQ(arr.status, 400);
  auto missing =
      call(verb::post, "/api/v1/accounts", R"({"email":"a@b.co","password":"0123456789"})");
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(body(missing)["error"]["field"], "display_name");
  auto wrong_type = call(verb::post, "/api/v1/accounts",
                         R"({"email":5,"password":"0123456789","display_name":"A"})");
  EXPECT_EQ(body(wrong_type)["error"]["field"], "email");
}

TEST_F(Dispatcher, ErrorsFollowAcceptLanguage) {
  auto fr = call(verb::get, "/api/v1/me", "", {{"accept-language", "fr-CA"}});
  auto en = call(verb::get, "/api/v1/me", "", {{"accept-language", "en-CA"}});
  EXPECT_EQ(fr.status, 401);
  EXPECT_NE(body(fr)["error"]["message"], body(en)["error"]["message"]);
  EXPECT_NE(body(en)["error"]["message"].get<std::string>().find("log in"), std::string::npos);
}

TEST_F(Dispatcher, SignUpSetsAStrictSessionCookieThatAuthenticates) {
  auto r = call(
      verb::post, "/api/v1/accounts",
      R"({"email":"Ana@Example.com","password":"0123456789","display_name":"Ana","locale":"en"})");
  ASSERT_EQ(r.status, 201);
  const std::string cookie(header_of(r, "Set-Cookie"));
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_EQ(body(r)["account"]["email"], "ana@example.com");
  const std::string session = cookie.substr(0, cookie.find(';'));
  auto me = call(verb::get, "/api/v1/me", "", {{"cookie", session}});
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(body(me)["account"]["display_name"], "Ana");
  auto csrf = call(verb::post, "/api/v1/communities", R"({"name":"x"})",
                   {{"cookie", session}, {"content-type", "text/plain"}});
  EXPECT_EQ(csrf.status, 403);
  EXPECT_EQ(body(csrf)["error"]["code"], "csrf_rejected");
  auto out = call(verb::del, "/api/v1/sessions/current", "",
                  {{"cookie", session}, {"x-requested-with", "petitesalle"}});
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(call(verb::get, "/api/v1/me", "", {{"cookie", session}}).status, 401);
}

TEST_F(Dispatcher, MetricsAndOpenApiAreServed) {
  auto m = call(verb::get, "/metrics");
  EXPECT_NE(m.body.find("petitesalle_http_requests_total"), std::string::npos);
  EXPECT_NE(m.body.find("petitesalle_outbox_pending 0"), std::string::npos);
  auto o = call(verb::get, "/api/v1/openapi.json");
  EXPECT_EQ(o.status, 200);
  EXPECT_EQ(body(o)["openapi"].get<std::string>().substr(0, 2), "3.");
}

}  // namespace
}  // namespace ps::http
