// A member's active sessions: the device said from the User-Agent, the last use written at most
// once a minute, ending one session or all others, and the streams that end with them.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "accounts/auth.hpp"
#include "accounts/device.hpp"
#include "accounts/service.hpp"
#include "db/database.hpp"
#include "http/message.hpp"
#include "realtime/hub.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"

namespace ps::accounts {
namespace {

using ps::testing::fails_with;
using ps::testing::recording_subscriber;

constexpr const char* password = "un mot de passe sûr";
constexpr const char* firefox_linux =
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
constexpr const char* chrome_android =
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.6478.122 Mobile Safari/537.36";
constexpr const char* safari_iphone =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

// --- the device, from the User-Agent ---

TEST(DeviceOf, NamesTheBrowserAndTheSystemOfCommonUserAgents) {
  const std::pair<const char*, const char*> cases[] = {
      {firefox_linux, "Firefox on Linux"},
      {chrome_android, "Chrome on Android"},
      {safari_iphone, "Safari on iPhone"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/126.0.0.0 Safari/537.36",
       "Chrome on Windows"},
      // Edge, Opera and Samsung Internet also say Chrome and Safari: their own token wins.
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87",
       "Edge on Windows"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0",
       "Opera on Windows"},
      {"Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
       "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
       "Samsung Internet on Android"},
      {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
       "Version/17.5 Safari/605.1.15",
       "Safari on macOS"},
      {"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0",
       "Firefox on macOS"},
      // Chrome and Firefox on iOS are Safari inside: CriOS/ and FxiOS/ tell them apart.
      {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
       "Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
       "Chrome on iPhone"},
      {"Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
       "FxiOS/127.0 Mobile/15E148 Safari/605.1.15",
       "Firefox on iPad"},
      {"Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0",
       "Firefox on Android"},
      {"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/126.0.0.0 Safari/537.36",
       "Chrome on ChromeOS"},
      {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "HeadlessChrome/126.0.6478.126 Safari/537.36",
       "Chrome on Linux"},
      {"Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko",
       "Internet Explorer on Windows"},
      {"curl/8.5.0", "curl"},
      {"python-requests/2.31.0", "Python Requests"},
      {"Mozilla/5.0 (X11; Linux x86_64)", "Linux"},
      {"Mozilla/5.0", "Unknown device"},
      {"", "Unknown device"},
  };
  for (const auto& [agent, device] : cases) EXPECT_EQ(device_of(agent), device) << agent;
}

TEST(StoredUserAgent, IsCutToItsLimitOnACharacterBoundaryAndValidUtf8) {
  EXPECT_EQ(stored_user_agent(firefox_linux), firefox_linux);
  EXPECT_EQ(stored_user_agent(std::string(1000, 'a')), std::string(max_user_agent_bytes, 'a'));
  // "é" is two bytes: the one that would straddle the limit is dropped whole.
  const std::string accents = std::string(max_user_agent_bytes - 1, 'a') + "é";
  EXPECT_EQ(stored_user_agent(accents), std::string(max_user_agent_bytes - 1, 'a'));
  EXPECT_EQ(stored_user_agent("a\xff!"), "a\xEF\xBF\xBD!");
}

// --- the sessions of an account ---

http::request cookie(const std::string& session_token) {
  http::request req;
  req.headers.emplace_back("cookie", std::string(session_cookie) + "=" + session_token);
  return req;
}
http::request bearer(const std::string& secret) {
  http::request req;
  req.headers.emplace_back("authorization", "Bearer " + secret);
  return req;
}

class AccountsSessions : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }

  // Ana's first session, opened at sign-up from Firefox on Linux.
  std::string laptop_token =
      sign_up(a(), {"ana@example.com", password, "Ana", "fr"}, locale::fr, firefox_linux)
          ->session_token;

  // Ana (or whoever has the email) logging in from another device: the new session's token.
  std::string log_in_from(const char* user_agent, const std::string& email = "ana@example.com") {
    auto s = log_in(a(), email, password, "192.0.2.1", user_agent);
    if (!s) throw std::runtime_error("log in failed");
    return s->session_token;
  }
  caller as(const std::string& session_token) { return *authenticate(a(), cookie(session_token)); }
  // Writes commit in order: once this one has, every last use queued before it is visible.
  void settle() {
    t.db->write([](db::transaction&) {});
  }
  std::shared_ptr<recording_subscriber> stream_of(const caller& who) {
    auto sub = std::make_shared<recording_subscriber>();
    t.hub.attach(sub, {who.account_id, who.session_id, who.token_id}, {});
    return sub;
  }
  static std::vector<std::string> devices(const std::vector<session_info>& list) {
    std::vector<std::string> out;
    for (const auto& s : list) out.push_back(s.device);
    return out;
  }
};

TEST_F(AccountsSessions, EachSessionRemembersTheDeviceItWasOpenedFrom) {
  const std::string phone_token = log_in_from(chrome_android);
  const caller laptop = as(laptop_token);
  const auto listed = list_sessions(a(), laptop);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, *laptop.session_id);
  EXPECT_TRUE(listed[0].current);
  EXPECT_EQ(listed[0].device, "Firefox on Linux");
  EXPECT_EQ(listed[0].user_agent, firefox_linux);
  EXPECT_EQ(listed[0].created_at, t.clock.now());
  EXPECT_EQ(listed[1].id, *as(phone_token).session_id);
  EXPECT_FALSE(listed[1].current);
  EXPECT_EQ(listed[1].device, "Chrome on Android");
  EXPECT_EQ(listed[1].user_agent, chrome_android);
}

TEST_F(AccountsSessions, AnEmailedLinkAndAMissingUserAgentOpenSessionsToo) {
  ASSERT_TRUE(send_login_link(a(), "ana@example.com", "192.0.2.1").ok());
  const std::string link = t.db->read([](db::session& s) {
    return s.query_one("SELECT body FROM outbox ORDER BY id DESC")->text(0);
  });
  const auto at = link.find("/login/") + 7;
  const std::string token = link.substr(at, link.find_first_of(" \r\n", at) - at);
  auto by_link = redeem_login_link(a(), token, safari_iphone);
  ASSERT_TRUE(by_link.ok());
  auto bare = log_in(a(), "ana@example.com", password, "192.0.2.1");  // no User-Agent
  ASSERT_TRUE(bare.ok());
  auto listed = devices(list_sessions(a(), as(laptop_token)));
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed,
            (std::vector<std::string>{"Firefox on Linux", "Safari on iPhone", "Unknown device"}));
}

TEST_F(AccountsSessions, TheUserAgentIsStoredCut) {
  const std::string long_agent = std::string(firefox_linux) + " " + std::string(2000, 'x');
  const std::string token = log_in_from(long_agent.c_str());
  for (const auto& s : list_sessions(a(), as(token)))
    if (s.current) {
      EXPECT_EQ(s.user_agent.size(), max_user_agent_bytes);
      EXPECT_EQ(s.device, "Firefox on Linux");
    }
}

TEST_F(AccountsSessions, ListsLiveCookieSessionsOnlyNeitherEndedOnesNorTokens) {
  const std::string phone_token = log_in_from(chrome_android);
  const caller laptop = as(laptop_token);
  ASSERT_TRUE(create_token(a(), laptop, "script").ok());
  log_out(a(), as(phone_token));
  const auto listed = list_sessions(a(), laptop);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, *laptop.session_id);
  // Bob's sessions are his own.
  ASSERT_TRUE(
      sign_up(a(), {"bob@example.com", password, "Bob", "fr"}, locale::fr, safari_iphone).ok());
  EXPECT_EQ(list_sessions(a(), laptop).size(), 1u);
}

TEST_F(AccountsSessions, UsingACookieRecordsItsLastUseToTheMinute) {
  const caller laptop = as(laptop_token);  // its first use: written at once
  const std::string phone_token = log_in_from(chrome_android);
  settle();
  auto phone = [&] { return list_sessions(a(), laptop)[1]; };
  EXPECT_FALSE(phone().last_used_at.has_value());  // never used since it opened
  const millis first_use = t.clock.now();
  (void)as(phone_token);
  settle();
  EXPECT_EQ(phone().last_used_at, first_use);

  t.clock.advance(30'000);  // within the minute: not written again
  (void)as(phone_token);
  settle();
  EXPECT_EQ(phone().last_used_at, first_use);

  t.clock.advance(31'000);
  (void)as(phone_token);
  settle();
  EXPECT_EQ(phone().last_used_at, t.clock.now());
}

TEST_F(AccountsSessions, TheMostRecentlyUsedComeFirstAfterTheCurrentOne) {
  const std::string phone_token = log_in_from(chrome_android);
  t.clock.advance(60'000);
  const std::string tablet_token = log_in_from(safari_iphone);
  t.clock.advance(60'000);
  (void)as(phone_token);  // the phone is used after the tablet opened
  t.clock.advance(60'000);
  (void)as(laptop_token);
  settle();
  const caller laptop = as(laptop_token);
  auto listed = list_sessions(a(), laptop);
  EXPECT_EQ(devices(listed), (std::vector<std::string>{"Firefox on Linux", "Chrome on Android",
                                                       "Safari on iPhone"}));
  // The current session counts as used now, since it is making the request.
  EXPECT_EQ(listed[0].last_used_at, t.clock.now());
  // Seen from the tablet, the laptop (used last) comes after the tablet itself.
  EXPECT_EQ(
      devices(list_sessions(a(), as(tablet_token))),
      (std::vector<std::string>{"Safari on iPhone", "Firefox on Linux", "Chrome on Android"}));
}

TEST_F(AccountsSessions, EndingASessionEndsItsRequestsAndItsStreamsOnly) {
  const std::string phone_token = log_in_from(chrome_android);
  const caller laptop = as(laptop_token), phone = as(phone_token);
  auto laptop_stream = stream_of(laptop), phone_stream = stream_of(phone);
  ASSERT_TRUE(end_session(a(), laptop, *phone.session_id).ok());
  EXPECT_FALSE(authenticate(a(), cookie(phone_token)).has_value());
  EXPECT_EQ(phone_stream->ended_with(), realtime::close_session_ended);
  EXPECT_EQ(laptop_stream->ended_with(), 0);
  EXPECT_TRUE(authenticate(a(), cookie(laptop_token)).has_value());
  // Ended already: gone from the list, and a second try is as unknown as any other id.
  EXPECT_EQ(list_sessions(a(), laptop).size(), 1u);
  EXPECT_TRUE(fails_with(end_session(a(), laptop, *phone.session_id), error_code::not_found));
}

TEST_F(AccountsSessions, EndingOnesOwnSessionIsLoggingOut) {
  const caller laptop = as(laptop_token);
  auto stream = stream_of(laptop);
  ASSERT_TRUE(end_session(a(), laptop, *laptop.session_id).ok());
  EXPECT_FALSE(authenticate(a(), cookie(laptop_token)).has_value());
  EXPECT_EQ(stream->ended_with(), realtime::close_session_ended);
}

TEST_F(AccountsSessions, AnotherAccountsSessionLooksUnknownAndIsNotEnded) {
  auto bob = sign_up(a(), {"bob@example.com", password, "Bob", "fr"}, locale::fr, safari_iphone);
  ASSERT_TRUE(bob.ok());
  const caller bob_caller = as(bob->session_token);
  auto bob_stream = stream_of(bob_caller);
  const caller ana = as(laptop_token);
  const auto theirs = end_session(a(), ana, *bob_caller.session_id);
  const auto unknown = end_session(a(), ana, 999'999);
  ASSERT_TRUE(fails_with(theirs, error_code::not_found));
  ASSERT_TRUE(fails_with(unknown, error_code::not_found));
  EXPECT_EQ(theirs.error().what, unknown.error().what);
  EXPECT_TRUE(authenticate(a(), cookie(bob->session_token)).has_value());
  EXPECT_EQ(bob_stream->ended_with(), 0);
}

TEST_F(AccountsSessions, EndingTheOthersKeepsTheCurrentSessionAndTheTokens) {
  const std::string phone_token = log_in_from(chrome_android);
  const std::string tablet_token = log_in_from(safari_iphone);
  const caller laptop = as(laptop_token);
  auto token = create_token(a(), laptop, "script");
  ASSERT_TRUE(token.ok());
  const caller script = *authenticate(a(), bearer(token->secret));
  auto laptop_stream = stream_of(laptop), phone_stream = stream_of(as(phone_token)),
       script_stream = stream_of(script);
  EXPECT_EQ(end_other_sessions(a(), laptop), 2);
  EXPECT_FALSE(authenticate(a(), cookie(phone_token)).has_value());
  EXPECT_FALSE(authenticate(a(), cookie(tablet_token)).has_value());
  EXPECT_TRUE(authenticate(a(), cookie(laptop_token)).has_value());
  EXPECT_TRUE(authenticate(a(), bearer(token->secret)).has_value());
  EXPECT_EQ(phone_stream->ended_with(), realtime::close_session_ended);
  EXPECT_EQ(laptop_stream->ended_with(), 0);
  EXPECT_EQ(script_stream->ended_with(), 0);
  EXPECT_EQ(end_other_sessions(a(), laptop), 0);  // none left
}

TEST_F(AccountsSessions, ATokenCallerListsAndEndsEverySessionButNoToken) {
  const caller laptop = as(laptop_token);
  auto token = create_token(a(), laptop, "script");
  ASSERT_TRUE(token.ok());
  const caller script = *authenticate(a(), bearer(token->secret));
  const auto listed = list_sessions(a(), script);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_FALSE(listed[0].current);  // a token is no session: none is the caller's
  auto script_stream = stream_of(script), laptop_stream = stream_of(laptop);
  EXPECT_EQ(end_other_sessions(a(), script), 1);
  EXPECT_FALSE(authenticate(a(), cookie(laptop_token)).has_value());
  EXPECT_EQ(laptop_stream->ended_with(), realtime::close_session_ended);
  EXPECT_TRUE(authenticate(a(), bearer(token->secret)).has_value());
  EXPECT_EQ(script_stream->ended_with(), 0);
}

}  // namespace
}  // namespace ps::accounts
