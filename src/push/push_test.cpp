// Web Push: RFC 8291's worked example to the byte, keys, VAPID tokens, which endpoints the
// server will post to, subscriptions on a temporary database, and presence.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "push/crypto.hpp"
#include "push/errors.hpp"
#include "push/presence.hpp"
#include "push/service.hpp"
#include "push/store.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"

namespace ps::push {
namespace {

std::string bytes_of(std::string_view b64) {
  auto out = from_base64url(b64);
  if (!out) throw std::runtime_error("bad base64url in a test vector");
  return *out;
}

// RFC 8291 §5 and Appendix A.
constexpr const char* ua_public =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
constexpr const char* ua_private = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
constexpr const char* as_public =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
constexpr const char* as_private = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
constexpr const char* auth_secret = "BTBZMqHH6r4Tts7J_aSIgg";
constexpr const char* salt = "DGv6ra1nlYgDCS1FRnbzlw";
constexpr const char* rfc_body =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6"
    "TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulc"
    "y4a-fN";

TEST(PushEncryption, MatchesTheWorkedExampleOfRfc8291) {
  auto sender = p256_key::from_parts(bytes_of(as_private), bytes_of(as_public));
  ASSERT_TRUE(sender);
  EXPECT_EQ(base64url(sender->public_point()), as_public);
  auto body = encrypt_with(*sender, bytes_of(salt), "When I grow up, I want to be a watermelon",
                           bytes_of(ua_public), bytes_of(auth_secret));
  ASSERT_TRUE(body);
  EXPECT_EQ(base64url(*body), rfc_body);
}

TEST(PushEncryption, BothSidesAgreeOnTheSharedSecret) {
  auto ua = p256_key::from_parts(bytes_of(ua_private), bytes_of(ua_public));
  auto as = p256_key::from_parts(bytes_of(as_private), bytes_of(as_public));
  ASSERT_TRUE(ua && as);
  EXPECT_EQ(ua->shared_secret(as->public_point()), as->shared_secret(ua->public_point()));
  // RFC 8291 Appendix A's ecdh_secret.
  EXPECT_EQ(base64url(*as->shared_secret(bytes_of(ua_public))),
            "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs");
}

TEST(PushEncryption, AFreshBodyEachTimeOfTheRightShape) {
  const std::string point = bytes_of(ua_public);
  auto one = encrypt("bonjour", point, bytes_of(auth_secret));
  auto two = encrypt("bonjour", point, bytes_of(auth_secret));
  ASSERT_TRUE(one && two);
  EXPECT_NE(*one, *two);  // a new salt and key pair each time
  EXPECT_EQ(one->size(), 86 + 7 + 1 + 16);
  EXPECT_EQ(one->substr(16, 4), std::string("\x00\x00\x10\x00", 4));
  EXPECT_EQ(static_cast<unsigned char>((*one)[20]), 65);
}

TEST(PushKeys, RefusePointsOffTheCurveAndOtherShapes) {
  std::string point = bytes_of(ua_public);
  EXPECT_TRUE(valid_public_point(point));
  std::string off = point;
  off[40] = static_cast<char>(off[40] ^ 0x01);
  EXPECT_FALSE(valid_public_point(off));
  EXPECT_FALSE(valid_public_point(point.substr(0, 33)));  // compressed-length
  EXPECT_FALSE(valid_public_point(std::string(65, '\x04')));
  EXPECT_FALSE(encrypt("x", off, bytes_of(auth_secret)).has_value());
}

TEST(PushKeys, SurviveTheirPem) {
  auto key = p256_key::generate();
  auto back = p256_key::from_pem(key.pem());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->public_point(), key.public_point());
  EXPECT_FALSE(
      p256_key::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
}

TEST(PushBase64, TakesPaddingAndRefusesOtherAlphabets) {
  EXPECT_EQ(base64url("\xfb\xff"), "-_8");
  EXPECT_EQ(from_base64url("-_8"), std::string("\xfb\xff"));
  EXPECT_EQ(from_base64url("-_8="), std::string("\xfb\xff"));
  EXPECT_FALSE(from_base64url("+/8="));
  EXPECT_FALSE(from_base64url("a b"));
}

TEST(Vapid, TokensNameTheAudienceAndAreSignedOverTheirText) {
  auto key = p256_key::generate();
  const std::string header = vapid_authorization(key, "https://push.example.net",
                                                 "mailto:ops@example.org", 1'800'000'000'000);
  ASSERT_EQ(header.rfind("vapid t=", 0), 0u);
  const auto comma = header.find(", k=");
  ASSERT_NE(comma, std::string::npos);
  EXPECT_EQ(header.substr(comma + 4), base64url(key.public_point()));
  const std::string jwt = header.substr(8, comma - 8);
  const auto dot1 = jwt.find('.');
  const auto dot2 = jwt.find('.', dot1 + 1);
  auto claims = nlohmann::json::parse(*from_base64url(jwt.substr(dot1 + 1, dot2 - dot1 - 1)));
  EXPECT_EQ(claims["aud"], "https://push.example.net");
  EXPECT_EQ(claims["sub"], "mailto:ops@example.org");
  EXPECT_EQ(claims["exp"], 1'800'000'000);
  EXPECT_EQ(from_base64url(jwt.substr(dot2 + 1))->size(), 64u);
}

TEST(PushEndpoints, OnlyPublicHttpsUnlessLoopbackIsAllowed) {
  EXPECT_FALSE(endpoint_problem("https://fcm.googleapis.com/fcm/send/abc:def", false));
  EXPECT_FALSE(endpoint_problem("https://updates.push.services.mozilla.com/wpush/v2/x", false));
  EXPECT_FALSE(endpoint_problem("https://web.push.apple.com/QGx", false));
  for (const char* bad :
       {"http://fcm.googleapis.com/x", "ftp://push.example.net/x", "javascript:alert(1)",
        "file:///etc/passwd", "https://127.0.0.1/x", "https://localhost:8080/x",
        "https://10.1.2.3/x", "https://192.168.0.10/x", "https://172.20.0.1/x",
        "https://169.254.169.254/latest", "https://[::1]/x", "https://[fd00::1]/x",
        "https://[::ffff:10.0.0.1]/x", "https://user:pw@push.example.net/x", "",
        "push.example.net"})
    EXPECT_TRUE(endpoint_problem(bad, false)) << bad;
  EXPECT_TRUE(endpoint_problem("https://push.example.net/" + std::string(3000, 'a'), false));
  EXPECT_FALSE(endpoint_problem("http://127.0.0.1:4567/push/1", true));
  EXPECT_TRUE(endpoint_problem("http://10.0.0.1:4567/push/1", true));
}

TEST(Presence, ActiveUntilHiddenGoneOrStale) {
  manual_clock clock(1'000'000);
  presence p(clock);
  int tab = 0, phone = 0;
  p.report(7, &tab, true);
  p.report(7, &phone, false);
  EXPECT_TRUE(p.active(7));
  EXPECT_FALSE(p.active(8));
  auto first = p.take_changes();
  EXPECT_EQ(first.active, std::vector<std::int64_t>{7});
  EXPECT_TRUE(first.stopped.empty());
  p.report(7, &tab, false);
  EXPECT_FALSE(p.active(7));
  auto second = p.take_changes();
  EXPECT_TRUE(second.active.empty());
  EXPECT_EQ(second.stopped, std::vector<std::int64_t>{7});
  p.report(7, &tab, true);
  clock.advance(presence::active_lifetime_ms);
  EXPECT_FALSE(p.active(7));  // not repeated for five minutes
  p.report(7, &tab, true);
  p.gone(7, &tab);
  EXPECT_FALSE(p.active(7));
}

class PushSubscriptions : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");
  caller bea = t.person("Bea");
  nlohmann::json body(const std::string& endpoint) {
    return {{"endpoint", endpoint},
            {"expirationTime", nullptr},
            {"keys", {{"p256dh", ua_public}, {"auth", auth_secret}}}};
  }
};

TEST_F(PushSubscriptions, AreKeptPerBrowserAndReplacedWhenTheBrowserChangesHands) {
  auto sub = subscribe(a(), ana, body("https://push.example.net/a"));
  ASSERT_TRUE(sub.ok());
  EXPECT_GT(sub->id, 0);
  auto again = subscribe(a(), bea, body("https://push.example.net/a"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, sub->id);
  a().db.read([&](db::session& s) {
    EXPECT_TRUE(store::of_account(s, ana.account_id).empty());
    EXPECT_EQ(store::of_account(s, bea.account_id).size(), 1u);
  });
  EXPECT_FALSE(*unsubscribe(a(), ana, "https://push.example.net/a"));  // not Ana's any more
  EXPECT_TRUE(*unsubscribe(a(), bea, "https://push.example.net/a"));
}

TEST_F(PushSubscriptions, RefuseForeignSchemesAndBadKeys) {
  using ps::testing::fails_with;
  for (const char* endpoint :
       {"http://push.example.net/a", "wss://push.example.net/a", "https://192.168.1.1/a"})
    EXPECT_TRUE(fails_with(subscribe(a(), ana, body(endpoint)), invalid_subscription)) << endpoint;
  auto bad_point = body("https://push.example.net/b");
  bad_point["keys"]["p256dh"] = base64url(std::string(65, '\x04'));
  EXPECT_TRUE(fails_with(subscribe(a(), ana, bad_point), invalid_subscription));
  auto short_auth = body("https://push.example.net/b");
  short_auth["keys"]["auth"] = "AAAA";
  EXPECT_TRUE(fails_with(subscribe(a(), ana, short_auth), invalid_subscription));
  EXPECT_TRUE(fails_with(subscribe(a(), ana, {{"endpoint", 3}}), invalid_subscription));
  a().db.read([&](db::session& s) { EXPECT_TRUE(store::of_account(s, ana.account_id).empty()); });
}

TEST_F(PushSubscriptions, KeepTheNewestTenOfAPerson) {
  for (int i = 0; i < max_subscriptions_per_account + 3; ++i) {
    t.clock.advance(1000);
    ASSERT_TRUE(subscribe(a(), ana, body("https://push.example.net/" + std::to_string(i))).ok());
  }
  a().db.read([&](db::session& s) {
    auto kept = store::of_account(s, ana.account_id);
    ASSERT_EQ(kept.size(), static_cast<std::size_t>(max_subscriptions_per_account));
    EXPECT_EQ(kept.front().endpoint, "https://push.example.net/3");
  });
}

TEST_F(PushSubscriptions, EndWithTheSessionThatMadeThem) {
  // A browser subscribed in one session; that session is ended from another device.
  const auto session = a().db.write([&](db::transaction& tx) {
    return tx
        .query_one(
            "INSERT INTO sessions (token_hash, account_id, created_at) VALUES ('h', $1, 0) "
            "RETURNING id",
            ana.account_id)
        ->integer(0);
  });
  caller on_phone = ana;
  on_phone.session_id = session;
  ASSERT_TRUE(subscribe(a(), on_phone, body("https://push.example.net/phone")).ok());
  ASSERT_TRUE(subscribe(a(), ana, body("https://push.example.net/desk")).ok());
  auto endpoints = [&] {
    std::vector<std::string> out;
    a().db.read([&](db::session& s) {
      for (const auto& sub : store::of_account(s, ana.account_id)) out.push_back(sub.endpoint);
    });
    return out;
  };
  EXPECT_EQ(endpoints().size(), 2u);
  a().db.write([&](db::transaction& tx) {
    tx.execute("UPDATE sessions SET revoked_at = 1 WHERE id = $1", session);
  });
  EXPECT_EQ(endpoints(), std::vector<std::string>{"https://push.example.net/desk"});
}

TEST_F(PushSubscriptions, TheKeyPairIsMadeOnceForEveryNode) {
  auto first = load_or_make_keys(a().db, t.clock);
  auto second = load_or_make_keys(a().db, t.clock);
  EXPECT_EQ(first.public_key, second.public_key);
  EXPECT_EQ(from_base64url(first.public_key)->size(), public_point_bytes);
}

}  // namespace
}  // namespace ps::push
