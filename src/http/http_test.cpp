#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/json_input.hpp"
#include "http/connection_limits.hpp"
#include "http/dispatcher.hpp"
#include "http/network_thread.hpp"
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
  // Parameters are decoded once, here.
  EXPECT_EQ(rt.find(verb::get, "/api/v1/channels/caf%C3%A9/messages").params.at(0).second, "café");
}

// A parameter that can name nothing matches no route (404): no handler ever sees it.
TEST(Router, ParametersThatNameNothingMatchNoRoute) {
  router rt;
  rt.add(verb::get, "/api/v1/communities/{slug}/channels",
         [](context&) -> result<response> { return response{}; });
  const std::string long_slug(max_path_parameter + 1, 'a');
  for (const std::string& bad :
       {std::string("%FF%FE"), std::string("%C0%AF"), std::string("%ED%A0%80"), long_slug,
        std::string(10 * 1024, 'a'), std::string(max_path_parameter, 'a') + "%C3%A9"}) {
    const auto m = rt.find(verb::get, "/api/v1/communities/" + bad + "/channels");
    EXPECT_EQ(m.found, nullptr) << bad.substr(0, 40);
    EXPECT_FALSE(m.path_exists) << bad.substr(0, 40);
  }
  EXPECT_NE(rt.find(verb::get,
                    "/api/v1/communities/" + std::string(max_path_parameter, 'a') + "/channels")
                .found,
            nullptr);
  EXPECT_NE(rt.find(verb::get, "/api/v1/communities/%F0%9F%91%8D/channels").found, nullptr);
  EXPECT_EQ(path_parameter("%E2%82%AC"), "€");
  EXPECT_EQ(path_parameter("%FF"), std::nullopt);
  // Valid UTF-8: the route decides (an emoji route answers 422 naming the field).
  EXPECT_EQ(path_parameter("a%00b"), std::string("a\0b", 3));
}

// What a foreign page's form can send: a cookie, one of three content types, and no custom header.
TEST(Csrf, AContentTypeIsNoProof) {
  config cfg;
  cfg.public_url = "https://salle.example.com";
  request r;
  r.method = verb::post;
  for (const char* type : {"application/json", "text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x"}) {
    r.headers = {{"cookie", "ps_session=abc"}, {"content-type", type}};
    EXPECT_TRUE(is_cross_site_risk(r, cfg)) << type;
  }
  // No session yet: a form could still log the browser in to someone else's account.
  r.headers = {{"content-type", "application/x-www-form-urlencoded"}};
  EXPECT_TRUE(is_cross_site_risk(r, cfg));
  r.headers = {{"cookie", "ps_session=abc"}, {"authorization", "Basic abcdefgh"}};
  EXPECT_TRUE(is_cross_site_risk(r, cfg));
  r.method = verb::get;
  r.headers = {{"cookie", "ps_session=abc"}};
  EXPECT_FALSE(is_cross_site_risk(r, cfg));
}

TEST(Csrf, OurOriginSameOriginOrACustomHeaderProveIt) {
  config cfg;
  cfg.public_url = "https://salle.example.com";
  request r;
  r.method = verb::post;
  const std::pair<std::string, std::string> cookie{"cookie", "ps_session=abc"};
  const std::pair<std::string, std::string> form{"content-type", "text/plain"};
  r.headers = {cookie, form, {"origin", "https://salle.example.com"}};
  EXPECT_FALSE(is_cross_site_risk(r, cfg));
  r.headers = {cookie, form, {"sec-fetch-site", "same-origin"}};
  EXPECT_FALSE(is_cross_site_risk(r, cfg));
  r.headers = {cookie, form, {"x-requested-with", "petitesalle"}};
  EXPECT_FALSE(is_cross_site_risk(r, cfg));
  r.headers = {cookie, form, {"x-requested-with", ""}};  // any value, even none
  EXPECT_FALSE(is_cross_site_risk(r, cfg));
  r.headers = {cookie, {"authorization", "Bearer psat_x"}};
  EXPECT_FALSE(is_cross_site_risk(r, cfg));
  // "none" (the address bar, a bookmark) is a navigation, never one of our state changes.
  r.headers = {cookie, form, {"sec-fetch-site", "none"}};
  EXPECT_TRUE(is_cross_site_risk(r, cfg));
  r.headers = {cookie, form, {"sec-fetch-site", "none"}, {"x-requested-with", "petitesalle"}};
  EXPECT_FALSE(is_cross_site_risk(r, cfg));
}

TEST(Csrf, ABrowserNamingAnotherSiteNeverPasses) {
  config cfg;
  cfg.public_url = "https://salle.example.com";
  request r;
  r.method = verb::del;
  const std::pair<std::string, std::string> marked{"x-requested-with", "petitesalle"};
  for (const char* site : {"cross-site", "same-site"}) {
    r.headers = {{"cookie", "ps_session=abc"}, {"sec-fetch-site", site}, marked};
    EXPECT_TRUE(is_cross_site_risk(r, cfg)) << site;
    // Our Origin does not outweigh it: a browser that says both is not one we understand.
    r.headers = {{"origin", "https://salle.example.com"}, {"sec-fetch-site", site}};
    EXPECT_TRUE(is_cross_site_risk(r, cfg)) << site;
  }
  r.headers = {{"cookie", "ps_session=abc"}, {"origin", "https://evil.example"}, marked};
  EXPECT_TRUE(is_cross_site_risk(r, cfg));
}

TEST(Csrf, AForeignOriginNeverPasses) {
  config cfg;
  cfg.public_url = "https://Salle.example.com/";
  request r;
  r.method = verb::post;
  r.headers = {{"content-type", "application/json"}, {"origin", "https://evil.example"}};
  EXPECT_TRUE(is_cross_site_risk(r, cfg));
  r.headers = {{"content-type", "application/json"}, {"origin", "null"}};
  EXPECT_TRUE(is_cross_site_risk(r, cfg));
  r.headers = {{"content-type", "application/json"}, {"origin", "https://salle.example.com"}};
  EXPECT_FALSE(is_cross_site_risk(r, cfg));
  // The Host header is the client's to choose: only the configured public URL counts.
  r.headers = {{"content-type", "application/json"}, {"host", "evil"}, {"origin", "http://evil"}};
  EXPECT_TRUE(is_cross_site_risk(r, cfg));
  r.headers = {{"origin", "https://evil.example"}, {"authorization", "Bearer psat_x"}};
  EXPECT_FALSE(is_cross_site_risk(r, cfg));  // scripts choose their own headers anyway
}

TEST(Origin, OfAUrl) {
  EXPECT_EQ(origin_of("https://salle.example.com:8443/a/b"), "https://salle.example.com:8443");
  EXPECT_EQ(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(origin_of("HTTP://Example.COM/"), "http://example.com");
}

TEST(Metrics, OnlyThisMachineOrTheToken) {
  config cfg;
  request r;
  r.remote_address = "127.0.0.1";
  EXPECT_TRUE(may_read_metrics(r, cfg));
  r.remote_address = "::1";
  EXPECT_TRUE(may_read_metrics(r, cfg));
  r.remote_address = "203.0.113.9";
  EXPECT_FALSE(may_read_metrics(r, cfg));
  r.remote_address = "127.0.0.1";
  r.headers = {{"x-forwarded-for", "203.0.113.9"}};  // a reverse proxy on this machine
  EXPECT_FALSE(may_read_metrics(r, cfg));
  cfg.metrics_token = "s3cret";
  r.headers = {};
  EXPECT_FALSE(may_read_metrics(r, cfg));  // with a token, being local is not enough
  r.remote_address = "203.0.113.9";
  r.headers = {{"authorization", "Bearer s3cret"}};
  EXPECT_TRUE(may_read_metrics(r, cfg));
  r.headers = {{"authorization", "Bearer s3cre"}};
  EXPECT_FALSE(may_read_metrics(r, cfg));
}

TEST(StaticAssets, PathsThatCouldLeaveTheRootAreRefused) {
  EXPECT_EQ(clean_asset_path("/assets/app.js"), "/assets/app.js");
  EXPECT_EQ(clean_asset_path("/"), "/");
  EXPECT_EQ(clean_asset_path("/c/les-voisins/"), "/c/les-voisins");
  EXPECT_EQ(clean_asset_path("/%C3%A9t%C3%A9"), "/été");
  for (const char* bad : {"//etc/passwd", "///etc/passwd", "/%2fetc/passwd", "/%2Fetc/passwd",
                          "/../etc/passwd", "/a/%2e%2e/%2e%2e/etc/passwd", "/./index.html",
                          "/index.html%00.png", "/a%5c..%5cb", "/C:/x", "", "etc/passwd"})
    EXPECT_EQ(clean_asset_path(bad), std::nullopt) << bad;
}

TEST(StaticAssets, PagesWithADottedTokenAreTheAppsMissingFilesAreNot) {
  EXPECT_TRUE(is_app_route("/c/les-voisins"));
  EXPECT_TRUE(is_app_route("/unsubscribe/dXwyNHxzfDR8Mg.sxNaAsBxEqEFD6EZV4XI6w"));
  EXPECT_TRUE(is_app_route("/subscribe/confirm/abc.DEF-_1"));
  EXPECT_FALSE(is_app_route("/favicon.ico"));
  EXPECT_FALSE(is_app_route("/sw.js"));
  EXPECT_FALSE(is_app_route("/manifest.webmanifest"));
  EXPECT_FALSE(is_app_route("/assets/anything"));
}

TEST(Errors, PayloadTooLargeNamesTheRouteLimit) {
  EXPECT_NE(error_message(errors::payload_too_large(64 * 1024), locale::fr).find("64 Kio"),
            std::string::npos);
  EXPECT_NE(error_message(errors::payload_too_large(1024 * 1024), locale::en).find("1 MiB"),
            std::string::npos);
  EXPECT_EQ(http_status(error_code::headers_too_large), 431);
  EXPECT_EQ(http_status(error_code::too_many_connections), 429);
}

TEST(ConnectionLimits, TicketsHoldAPlaceUntilTheyGo) {
  connection_limits limits(2, 1);
  auto a = limits.connection_from("192.0.2.1");
  auto b = limits.connection_from("192.0.2.1");
  EXPECT_TRUE(a && b);
  EXPECT_FALSE(limits.connection_from("192.0.2.1"));  // its share is taken
  EXPECT_TRUE(limits.connection_from("192.0.2.2"));   // another address is not affected
  {
    auto moved = std::move(a);
    EXPECT_FALSE(a);
    EXPECT_EQ(limits.connections_from("192.0.2.1"), 2);
  }
  EXPECT_EQ(limits.connections_from("192.0.2.1"), 1);
  EXPECT_TRUE(limits.connection_from("192.0.2.1"));
  auto stream = limits.stream_of(7);
  EXPECT_TRUE(stream);
  EXPECT_FALSE(limits.stream_of(7));
  EXPECT_TRUE(limits.stream_of(8));
}

TEST(JsonInput, DepthIsBoundedBeforeParsing) {
  EXPECT_TRUE(json_input::depth_within(R"({"a":[[1,{"b":2}]]})", 4));
  EXPECT_FALSE(json_input::depth_within(R"({"a":[[1,{"b":2}]]})", 3));
  // Brackets inside strings do not count, escaped quotes included.
  EXPECT_TRUE(json_input::depth_within(R"({"a":"[[[[\"[[[["})", 1));
  const std::string deep = "{\"type\":" + std::string(10000, '[') + std::string(10000, ']') + "}";
  EXPECT_FALSE(json_input::depth_within(deep));
  EXPECT_TRUE(json_input::parse(deep).is_discarded());
  EXPECT_EQ(json_input::parse(R"({"a":1})").at("a"), 1);
}

// Work handed over from other threads runs on the network thread, in order, woken once per batch.
TEST(NetworkThread, RunsWorkFromOtherThreadsInOrder) {
  network_thread t;
  std::vector<int> ran;
  std::thread other([&] {
    for (int i = 0; i < 1000; ++i) t.post([&ran, i] { ran.push_back(i); });
  });
  other.join();
  const auto handlers = t.context().run();
  ASSERT_EQ(ran.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(ran[i], i);
  EXPECT_EQ(handlers, 1u);  // all of them in one wake-up
}

TEST(NetworkThread, AFailingItemDoesNotStopTheOthers) {
  network_thread t;
  int ran = 0;
  t.post([] { throw std::runtime_error("a bug"); });
  t.post([&ran] { ++ran; });
  EXPECT_NO_THROW(t.context().run());
  EXPECT_EQ(ran, 1);
}

class Dispatcher : public ::testing::Test {
 protected:
  testing::test_app t;
  dispatcher d{t.app(), std::nullopt};

  // As the web app calls: with X-Requested-With, unless the test is a foreign page's form.
  response call(verb method, std::string path, std::string body = "",
                std::vector<std::pair<std::string, std::string>> headers = {},
                bool from_our_app = true) {
    request r;
    r.method = method;
    r.path = std::move(path);
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.remote_address = "127.0.0.1";  // as a client on this machine
    if (!r.body.empty() && r.header("content-type").empty())
      r.headers.emplace_back("content-type", "application/json");
    if (from_our_app) r.headers.emplace_back("x-requested-with", "petitesalle");
    return d.handle(r);
  }
  response forged(verb method, std::string path, std::string body,
                  std::vector<std::pair<std::string, std::string>> headers) {
    return call(method, std::move(path), std::move(body), std::move(headers), false);
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

TEST_F(Dispatcher, BadPathParametersAre404NotFound) {
  for (const std::string& path : std::vector<std::string>{
           "/api/v1/communities/%FF%FE/channels", "/api/v1/communities/" + std::string(10240, 'x'),
           "/api/v1/invitations/a%00b", "/api/v1/messages/1/reactions/%F0%9F"}) {
    auto r = call(verb::get, path);
    EXPECT_EQ(r.status, 404) << path.substr(0, 60);
    EXPECT_EQ(body(r)["error"]["code"], "not_found");
  }
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
  // The exact text of each language: swapping them, or answering in one only, fails.
  EXPECT_EQ(body(fr)["error"]["message"], "Connecte-toi pour continuer.");
  EXPECT_EQ(body(en)["error"]["message"], "Please log in to continue.");
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
  auto csrf = forged(verb::post, "/api/v1/communities", R"({"name":"x"})",
                     {{"cookie", session}, {"content-type", "application/json"}});
  EXPECT_EQ(csrf.status, 403);
  EXPECT_EQ(body(csrf)["error"]["code"], "csrf_rejected");
  // Past the CSRF rule, a JSON route still wants JSON.
  auto form = call(verb::post, "/api/v1/communities", "name=x",
                   {{"cookie", session}, {"content-type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415);
  EXPECT_EQ(body(form)["error"]["code"], "unsupported_media_type");
  auto out = call(verb::del, "/api/v1/sessions/current", "", {{"cookie", session}});
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(call(verb::get, "/api/v1/me", "", {{"cookie", session}}).status, 401);
}

// A chat post queues its write (runs_on::queued_write): through handle() it is waited for,
// through handle_queued() the reply comes once, after the commit, and bad input is answered at
// once without a write.
TEST_F(Dispatcher, QueuedPostRepliesOnceAfterTheCommit) {
  auto signed_up =
      call(verb::post, "/api/v1/accounts",
           R"({"email":"ana@example.com","password":"0123456789","display_name":"Ana"})");
  ASSERT_EQ(signed_up.status, 201);
  const std::string cookie(
      header_of(signed_up, "Set-Cookie").substr(0, header_of(signed_up, "Set-Cookie").find(';')));
  auto community =
      call(verb::post, "/api/v1/communities", R"({"name":"Les voisins"})", {{"cookie", cookie}});
  ASSERT_EQ(community.status, 201);
  const std::string slug = body(community)["community"]["slug"];
  auto channel = call(verb::post, "/api/v1/communities/" + slug + "/channels",
                      R"({"name":"jasette"})", {{"cookie", cookie}});
  ASSERT_EQ(channel.status, 201);
  const std::string path =
      "/api/v1/channels/" + std::to_string(body(channel)["channel"]["id"].get<int>()) + "/messages";

  request post;
  post.method = verb::post;
  post.path = path;
  post.body = R"({"body":"allô **tout le monde**","client_id":"c-1"})";
  post.headers = {
      {"cookie", cookie}, {"content-type", "application/json"}, {"origin", t.cfg.public_url}};
  const route_match m = d.match(post.method, post.path);
  EXPECT_EQ(d.where(post, m), runs_on::queued_write);
  std::promise<response> replied;
  int replies = 0, continued = 0;
  d.handle_queued(
      post, m,
      [&](response r) {
        ++replies;
        replied.set_value(std::move(r));
      },
      [&](std::function<void()> work) {
        ++continued;
        work();
      });
  auto r = replied.get_future().get();
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(replies, 1);
  EXPECT_EQ(continued, 1);
  EXPECT_EQ(body(r)["message"]["html"], "<p>allô <strong>tout le monde</strong></p>\n");
  EXPECT_EQ(header_of(r, "Cache-Control"), "no-store");
  EXPECT_FALSE(header_of(r, "Content-Security-Policy").empty());

  // The same client_id again, waited for through handle(): the first message, nothing new.
  auto again = call(verb::post, path, post.body, {{"cookie", cookie}});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(body(again)["message"]["id"], body(r)["message"]["id"]);

  // Refused before any write: answered at once, in the account's language, never continued.
  auto empty = call(verb::post, path, R"({"body":"   "})", {{"cookie", cookie}});
  EXPECT_EQ(empty.status, 422);
  auto stranger = call(verb::post, path, R"({"body":"x"})");
  EXPECT_EQ(stranger.status, 401);
  auto csrf = forged(verb::post, path, R"({"body":"x"})", {{"cookie", cookie}});
  EXPECT_EQ(csrf.status, 403);
  auto listed = body(call(verb::get, path, "", {{"cookie", cookie}}));
  EXPECT_EQ(listed["messages"].size(), 1u);
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
