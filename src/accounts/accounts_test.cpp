// The rules of accounts on a temporary SQLite with a manual clock: sign up, log in and its
// throttle, emailed login links, personal tokens, password and profile changes.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "accounts/auth.hpp"
#include "accounts/service.hpp"
#include "accounts/throttle.hpp"
#include "db/database.hpp"
#include "http/message.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"
#include "accounts/errors.hpp"

namespace ps::accounts {
namespace {

constexpr millis minute = 60 * 1000;
constexpr const char* good_password = "un mot de passe sûr";

using ps::testing::fails_with;

sign_up_form form(std::string email = "ana@example.com", std::string password = good_password,
                  std::string name = "Ana", std::optional<std::string> lang = "fr") {
  return sign_up_form{std::move(email), std::move(password), std::move(name), std::move(lang)};
}

http::request with_header(std::string name, std::string value) {
  http::request req;
  req.headers.emplace_back(std::move(name), std::move(value));
  return req;
}
http::request bearer(const std::string& secret) {
  return with_header("authorization", "Bearer " + secret);
}
http::request cookie(const std::string& session_token) {
  return with_header("cookie", std::string(session_cookie) + "=" + session_token);
}

struct outbox_row {
  std::string recipient;
  std::string body;
};

std::vector<outbox_row> outbox_rows(testing::test_app& t) {
  return t.db->read([](db::session& s) {
    std::vector<outbox_row> out;
    for (auto& r : s.query("SELECT recipient, body FROM outbox ORDER BY id"))
      out.push_back({r.text(0), r.text(1)});
    return out;
  });
}

// The token of the login link in an email body: what follows PUBLIC_URL/login/ up to the line's
// end.
std::string link_token(const std::string& body, const std::string& public_url) {
  const std::string marker = public_url + "/login/";
  const auto at = body.find(marker);
  if (at == std::string::npos) return {};
  const auto start = at + marker.size();
  const auto end = body.find_first_of(" \r\n", start);
  return body.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

class AccountsService : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
};

// --- sign up ---

TEST_F(AccountsService, SignUpOpensASessionForTheNewAccount) {
  auto s = sign_up(a(), form(), locale::fr);
  ASSERT_TRUE(s.ok());
  EXPECT_GT(s->acct.id, 0);
  EXPECT_EQ(s->acct.email, "ana@example.com");
  EXPECT_EQ(s->acct.display_name, "Ana");
  EXPECT_EQ(s->acct.lang, locale::fr);
  EXPECT_EQ(s->acct.created_at, testing::test_epoch);
  ASSERT_FALSE(s->session_token.empty());
  auto who = authenticate(a(), cookie(s->session_token));
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->account_id, s->acct.id);
  EXPECT_TRUE(who->session_id.has_value());
}

TEST_F(AccountsService, SignUpRefusesAMissingOrMalformedEmail) {
  EXPECT_TRUE(fails_with(sign_up(a(), form(""), locale::fr), error_code::invalid_field, "email",
                         field_problem::required));
  EXPECT_TRUE(fails_with(sign_up(a(), form("   "), locale::fr), error_code::invalid_field, "email",
                         field_problem::required));
  for (const char* bad :
       {"ana", "ana@example", "@example.com", "ana@@example.com", "an a@example.com", "ana@.com"})
    EXPECT_TRUE(fails_with(sign_up(a(), form(bad), locale::fr), error_code::invalid_field, "email",
                           field_problem::invalid_format))
        << bad;
}

TEST_F(AccountsService, SignUpRefusesAMissingOrShortPassword) {
  EXPECT_TRUE(fails_with(sign_up(a(), form("ana@example.com", ""), locale::fr),
                         error_code::invalid_field, "password", field_problem::required));
  auto short_one = sign_up(a(), form("ana@example.com", "123456789"), locale::fr);
  ASSERT_TRUE(
      fails_with(short_one, error_code::invalid_field, "password", field_problem::too_short));
  EXPECT_EQ(short_one.error().limit, 10);
  // Counted in code points: nine accented letters (18 bytes) are still too short.
  EXPECT_TRUE(fails_with(sign_up(a(), form("ana@example.com", "ééééééééé"), locale::fr),
                         error_code::invalid_field, "password", field_problem::too_short));
  EXPECT_TRUE(sign_up(a(), form("ana@example.com", "1234567890"), locale::fr).ok());
}

TEST_F(AccountsService, SignUpRefusesAMissingOrLongDisplayName) {
  EXPECT_TRUE(fails_with(sign_up(a(), form("ana@example.com", good_password, ""), locale::fr),
                         error_code::invalid_field, "display_name", field_problem::required));
  EXPECT_TRUE(fails_with(sign_up(a(), form("ana@example.com", good_password, "  \t "), locale::fr),
                         error_code::invalid_field, "display_name", field_problem::required));
  auto long_one =
      sign_up(a(), form("ana@example.com", good_password, std::string(81, 'a')), locale::fr);
  ASSERT_TRUE(
      fails_with(long_one, error_code::invalid_field, "display_name", field_problem::too_long));
  EXPECT_EQ(long_one.error().limit, 80);
  // 80 code points of two bytes each are within the limit; the name is trimmed first.
  std::string accented;
  for (int i = 0; i < 80; ++i) accented += "é";
  auto ok =
      sign_up(a(), form("ana@example.com", good_password, "  " + accented + "  "), locale::fr);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->acct.display_name, accented);
}

TEST_F(AccountsService, NamesRefuseControlAndDirectionCharacters) {
  auto spoof = sign_up(a(), form("ana@example.com", good_password, "Ana\u202Egpj.exe"), locale::fr);
  ASSERT_TRUE(fails_with(spoof, error_code::invalid_field, "display_name",
                         field_problem::forbidden_characters));
  EXPECT_EQ(spoof.error().character, U'\u202E');
  EXPECT_TRUE(fails_with(
      sign_up(a(), form("ana@example.com", good_password, std::string("A\0na", 4)), locale::fr),
      error_code::invalid_field, "display_name", field_problem::forbidden_characters));
  const caller ana = t.person("Ana");
  EXPECT_TRUE(fails_with(update_profile(a(), ana, std::string("Ana\nLopez"), std::nullopt),
                         error_code::invalid_field, "display_name",
                         field_problem::forbidden_characters));
  EXPECT_TRUE(fails_with(create_token(a(), ana, "script\u2066"), error_code::invalid_field, "name",
                         field_problem::forbidden_characters));
}

TEST_F(AccountsService, SignUpRefusesAnUnknownLocaleAndDefaultsToTheFallback) {
  EXPECT_TRUE(
      fails_with(sign_up(a(), form("ana@example.com", good_password, "Ana", "de"), locale::fr),
                 error_code::invalid_field, "locale", field_problem::not_allowed));
  EXPECT_TRUE(
      fails_with(sign_up(a(), form("ana@example.com", good_password, "Ana", "EN"), locale::fr),
                 error_code::invalid_field, "locale"));
  auto fallback =
      sign_up(a(), form("ana@example.com", good_password, "Ana", std::nullopt), locale::en);
  ASSERT_TRUE(fallback.ok());
  EXPECT_EQ(fallback->acct.lang, locale::en);
  auto chosen = sign_up(a(), form("bea@example.com", good_password, "Béa", "en"), locale::fr);
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen->acct.lang, locale::en);
}

TEST_F(AccountsService, SignUpLowerCasesAndTrimsTheEmail) {
  auto s = sign_up(a(), form("  Ana.Lopez@Example.COM \t"), locale::fr);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->acct.email, "ana.lopez@example.com");
  EXPECT_TRUE(log_in(a(), "ANA.LOPEZ@example.com", good_password, "10.0.0.1").ok());
}

TEST_F(AccountsService, SignUpWithATakenEmailIsRefused) {
  ASSERT_TRUE(sign_up(a(), form("ana@example.com"), locale::fr).ok());
  EXPECT_TRUE(fails_with(sign_up(a(), form("ana@example.com", good_password, "Autre"), locale::fr),
                         email_taken));
  EXPECT_TRUE(
      fails_with(sign_up(a(), form(" ANA@example.com "), locale::fr), email_taken));
}

// --- log in and its throttle ---

TEST_F(AccountsService, LogInWithTheRightPasswordOpensANewSession) {
  auto first = sign_up(a(), form(), locale::fr);
  ASSERT_TRUE(first.ok());
  auto s = log_in(a(), " Ana@Example.com", good_password, "10.0.0.1");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->acct.id, first->acct.id);
  EXPECT_NE(s->session_token, first->session_token);
  auto who = authenticate(a(), cookie(s->session_token));
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->account_id, first->acct.id);
}

TEST_F(AccountsService, LogInWithAWrongPasswordOrUnknownEmailIsInvalidCredentials) {
  ASSERT_TRUE(sign_up(a(), form(), locale::fr).ok());
  EXPECT_TRUE(fails_with(log_in(a(), "ana@example.com", "pas le bon mot", "10.0.0.1"),
                         error_code::invalid_credentials));
  EXPECT_TRUE(fails_with(log_in(a(), "nobody@example.com", good_password, "10.0.0.1"),
                         error_code::invalid_credentials));
  EXPECT_TRUE(
      fails_with(log_in(a(), "", good_password, "10.0.0.1"), error_code::invalid_field, "email"));
  EXPECT_TRUE(fails_with(log_in(a(), "ana@example.com", "", "10.0.0.1"), error_code::invalid_field,
                         "password"));
}

TEST_F(AccountsService, TenFailuresForOneEmailFromOneAddressLockThatPairForFifteenMinutes) {
  ASSERT_TRUE(sign_up(a(), form(), locale::fr).ok());
  ASSERT_TRUE(sign_up(a(), form("bea@example.com", good_password, "Béa"), locale::fr).ok());
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(fails_with(log_in(a(), "ana@example.com", "pas le bon mot", "10.0.0.1"),
                           error_code::invalid_credentials))
        << i;
    t.clock.advance(1000);
  }
  // From that address even the right password waits now, and the refusal says that an emailed
  // link still works.
  auto locked = log_in(a(), "ana@example.com", good_password, "10.0.0.1");
  ASSERT_TRUE(fails_with(locked, error_code::rate_limited));
  EXPECT_EQ(locked.error().limited, rate_limited_action::log_in);
  EXPECT_GT(locked.error().retry_after_seconds, 0);
  EXPECT_LE(locked.error().retry_after_seconds, 15 * 60);
  EXPECT_NE(error_message(locked.error(), locale::fr).find("lien de connexion par courriel"),
            std::string::npos);
  EXPECT_NE(error_message(locked.error(), locale::en).find("log-in link by email"),
            std::string::npos);
  // The same address logs into another account; the member logs in from their own address.
  EXPECT_TRUE(log_in(a(), "bea@example.com", good_password, "10.0.0.1").ok());
  EXPECT_TRUE(log_in(a(), "ana@example.com", good_password, "10.0.1.1").ok());

  t.clock.advance(14 * minute);
  auto still = log_in(a(), "ana@example.com", good_password, "10.0.0.1");
  ASSERT_TRUE(fails_with(still, error_code::rate_limited));
  EXPECT_LT(still.error().retry_after_seconds, locked.error().retry_after_seconds);

  t.clock.advance(minute);  // 15 minutes after the first failure
  EXPECT_TRUE(log_in(a(), "ana@example.com", good_password, "10.0.0.1").ok());
}

TEST_F(AccountsService, FailuresFromManyAddressesStopAtTheCeilingPerEmail) {
  ASSERT_TRUE(sign_up(a(), form(), locale::fr).ok());
  ASSERT_TRUE(sign_up(a(), form("bea@example.com", good_password, "Béa"), locale::fr).ok());
  // 100 failures, 9 per address so that no pair and no address reaches its own limit.
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(fails_with(
        log_in(a(), "ana@example.com", "pas le bon mot", "10.0." + std::to_string(i / 9) + ".1"),
        error_code::invalid_credentials))
        << i;
  auto locked = log_in(a(), "ana@example.com", good_password, "192.0.2.1");
  ASSERT_TRUE(fails_with(locked, error_code::rate_limited));
  EXPECT_EQ(locked.error().limited, rate_limited_action::log_in);
  EXPECT_TRUE(log_in(a(), "bea@example.com", good_password, "10.0.0.1").ok());
  t.clock.advance(15 * minute);
  EXPECT_TRUE(log_in(a(), "ana@example.com", good_password, "192.0.2.1").ok());
}

TEST_F(AccountsService, ThirtyFailuresFromOneAddressLockThatAddress) {
  ASSERT_TRUE(sign_up(a(), form(), locale::fr).ok());
  for (int i = 0; i < 30; ++i)
    EXPECT_TRUE(fails_with(
        log_in(a(), "x" + std::to_string(i) + "@example.com", good_password, "192.0.2.7"),
        error_code::invalid_credentials));
  EXPECT_TRUE(fails_with(log_in(a(), "ana@example.com", good_password, "192.0.2.7"),
                         error_code::rate_limited));
  EXPECT_TRUE(log_in(a(), "ana@example.com", good_password, "192.0.2.8").ok());
  t.clock.advance(15 * minute);
  EXPECT_TRUE(log_in(a(), "ana@example.com", good_password, "192.0.2.7").ok());
}

TEST_F(AccountsService, AnIpv6ClientIsOneAddressAcrossItsSlash64) {
  ASSERT_TRUE(sign_up(a(), form(), locale::fr).ok());
  for (int i = 0; i < 30; ++i)
    EXPECT_TRUE(fails_with(log_in(a(), "x" + std::to_string(i) + "@example.com", good_password,
                                  "2001:db8:0:7::" + std::to_string(i + 1)),
                           error_code::invalid_credentials));
  EXPECT_TRUE(fails_with(log_in(a(), "ana@example.com", good_password, "2001:db8:0:7:ffff::1"),
                         error_code::rate_limited));
  EXPECT_TRUE(log_in(a(), "ana@example.com", good_password, "2001:db8:0:8::1").ok());
}

TEST_F(AccountsService, SuccessForgivesThePairButNotTheAddress) {
  ASSERT_TRUE(sign_up(a(), form(), locale::fr).ok());
  for (int i = 0; i < 9; ++i)
    ASSERT_TRUE(fails_with(log_in(a(), "ana@example.com", "pas le bon mot", "10.0.0.1"),
                           error_code::invalid_credentials));
  ASSERT_TRUE(log_in(a(), "ana@example.com", good_password, "10.0.0.1").ok());
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(fails_with(log_in(a(), "ana@example.com", "pas le bon mot", "10.0.0.1"),
                           error_code::invalid_credentials))
        << i;
  // 19 failures on the address so far: 11 more for other emails reach its limit of 30, however
  // often the address logs in successfully meanwhile.
  for (int i = 0; i < 11; ++i)
    EXPECT_TRUE(
        fails_with(log_in(a(), "x" + std::to_string(i) + "@example.com", good_password, "10.0.0.1"),
                   error_code::invalid_credentials));
  EXPECT_TRUE(fails_with(log_in(a(), "y@example.com", good_password, "10.0.0.1"),
                         error_code::rate_limited));
}

TEST(AccountsThrottle, NetworkOfAnAddress) {
  EXPECT_EQ(network_of("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(network_of("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(network_of("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(network_of("2001:DB8:1:2::9"), "2001:db8:1:2::/64");
  EXPECT_EQ(network_of("::1"), "0:0:0:0::/64");
  EXPECT_EQ(network_of(""), "");
  EXPECT_EQ(network_of("not:an address"), "not:an address");
}

// --- login links ---

TEST_F(AccountsService, LoginLinkForAnUnknownEmailQueuesNothing) {
  ASSERT_TRUE(sign_up(a(), form(), locale::fr).ok());
  EXPECT_TRUE(send_login_link(a(), "nobody@example.com", "10.0.0.1").ok());
  EXPECT_TRUE(outbox_rows(t).empty());
  EXPECT_TRUE(fails_with(send_login_link(a(), "not an email", "10.0.0.1"),
                         error_code::invalid_field, "email"));
}

TEST_F(AccountsService, LoginLinkIsEmailedAndWorksOnce) {
  auto s = sign_up(a(), form(), locale::fr);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(send_login_link(a(), "  ANA@example.com ", "10.0.0.1").ok());
  auto rows = outbox_rows(t);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].recipient, "ana@example.com");
  EXPECT_NE(rows[0].body.find(t.cfg.public_url + "/login/"), std::string::npos) << rows[0].body;
  const std::string token = link_token(rows[0].body, t.cfg.public_url);
  ASSERT_GE(token.size(), 20u) << rows[0].body;

  t.clock.advance(14 * minute);
  auto in = redeem_login_link(a(), token);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->acct.id, s->acct.id);
  EXPECT_TRUE(authenticate(a(), cookie(in->session_token)).has_value());
  EXPECT_TRUE(fails_with(redeem_login_link(a(), token), error_code::invalid_credentials));
  EXPECT_TRUE(fails_with(redeem_login_link(a(), "not-a-token"), error_code::invalid_credentials));
}

TEST_F(AccountsService, LoginLinkExpiresAfterFifteenMinutes) {
  ASSERT_TRUE(sign_up(a(), form(), locale::fr).ok());
  ASSERT_TRUE(send_login_link(a(), "ana@example.com", "10.0.0.1").ok());
  auto rows = outbox_rows(t);
  ASSERT_EQ(rows.size(), 1u);
  const std::string token = link_token(rows[0].body, t.cfg.public_url);
  ASSERT_FALSE(token.empty());
  t.clock.advance(15 * minute);
  EXPECT_TRUE(fails_with(redeem_login_link(a(), token), error_code::invalid_credentials));
}

TEST_F(AccountsService, EachLoginLinkIsItsOwnEmail) {
  ASSERT_TRUE(sign_up(a(), form(), locale::fr).ok());
  ASSERT_TRUE(send_login_link(a(), "ana@example.com", "10.0.0.1").ok());
  ASSERT_TRUE(send_login_link(a(), "ana@example.com", "10.0.0.1").ok());
  auto rows = outbox_rows(t);
  ASSERT_EQ(rows.size(), 2u);
  const std::string first = link_token(rows[0].body, t.cfg.public_url);
  const std::string second = link_token(rows[1].body, t.cfg.public_url);
  EXPECT_NE(first, second);
  EXPECT_TRUE(redeem_login_link(a(), second).ok());
  EXPECT_TRUE(redeem_login_link(a(), first).ok());
}

TEST_F(AccountsService, LoginLinksAreLimitedPerEmailSilently) {
  ASSERT_TRUE(sign_up(a(), form(), locale::fr).ok());
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(send_login_link(a(), "ana@example.com", "10.0.0." + std::to_string(i)).ok()) << i;
  EXPECT_EQ(outbox_rows(t).size(), 3u);
  t.clock.advance(15 * minute);
  EXPECT_TRUE(send_login_link(a(), "ana@example.com", "10.0.0.1").ok());
  EXPECT_EQ(outbox_rows(t).size(), 4u);
}

TEST_F(AccountsService, LoginLinksAreLimitedPerAddressWhateverTheEmail) {
  ASSERT_TRUE(sign_up(a(), form(), locale::fr).ok());
  // Unknown emails count too: the limit must not tell which emails have an account.
  for (int i = 0; i < 20; ++i)
    EXPECT_TRUE(send_login_link(a(), "x" + std::to_string(i) + "@example.com", "192.0.2.7").ok());
  EXPECT_TRUE(send_login_link(a(), "ana@example.com", "192.0.2.7").ok());
  EXPECT_TRUE(outbox_rows(t).empty());
  EXPECT_TRUE(send_login_link(a(), "ana@example.com", "192.0.2.8").ok());
  EXPECT_EQ(outbox_rows(t).size(), 1u);
  // A malformed email is refused before it counts.
  for (int i = 0; i < 20; ++i)
    EXPECT_TRUE(fails_with(send_login_link(a(), "pas un courriel", "192.0.2.9"),
                           error_code::invalid_field, "email"));
  EXPECT_TRUE(send_login_link(a(), "ana@example.com", "192.0.2.9").ok());
  EXPECT_EQ(outbox_rows(t).size(), 2u);
}

// --- personal tokens ---

TEST_F(AccountsService, TokensAreCreatedListedAndAuthenticate) {
  const caller ana = t.person("Ana");
  auto tok = create_token(a(), ana, "  script  ");
  ASSERT_TRUE(tok.ok());
  EXPECT_TRUE(tok->secret.starts_with("psat_"));
  EXPECT_EQ(tok->info.name, "script");
  EXPECT_EQ(tok->info.created_at, testing::test_epoch);

  auto listed = list_tokens(a(), ana);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, tok->info.id);
  EXPECT_EQ(listed[0].name, "script");

  auto who = authenticate(a(), bearer(tok->secret));
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->account_id, ana.account_id);
  EXPECT_FALSE(who->session_id.has_value());
  EXPECT_FALSE(authenticate(a(), bearer(tok->secret + "x")).has_value());
  EXPECT_FALSE(authenticate(a(), http::request{}).has_value());

  EXPECT_TRUE(fails_with(create_token(a(), ana, "  "), error_code::invalid_field, "name",
                         field_problem::required));
  EXPECT_TRUE(fails_with(create_token(a(), ana, std::string(81, 'n')), error_code::invalid_field,
                         "name", field_problem::too_long));
}

TEST_F(AccountsService, RevokedTokenNoLongerAuthenticates) {
  const caller ana = t.person("Ana");
  auto keep = create_token(a(), ana, "keep");
  auto drop = create_token(a(), ana, "drop");
  ASSERT_TRUE(keep.ok() && drop.ok());
  ASSERT_TRUE(revoke_token(a(), ana, drop->info.id).ok());
  EXPECT_FALSE(authenticate(a(), bearer(drop->secret)).has_value());
  EXPECT_TRUE(authenticate(a(), bearer(keep->secret)).has_value());
  auto listed = list_tokens(a(), ana);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "keep");
  // Revoking twice, or an unknown id, is not_found.
  EXPECT_TRUE(fails_with(revoke_token(a(), ana, drop->info.id), error_code::not_found));
  EXPECT_TRUE(fails_with(revoke_token(a(), ana, 999999), error_code::not_found));
}

TEST_F(AccountsService, NobodyRevokesOrSeesAnotherPersonsToken) {
  const caller ana = t.person("Ana");
  const caller bea = t.person("Bea");
  auto tok = create_token(a(), ana, "mine");
  ASSERT_TRUE(tok.ok());
  EXPECT_TRUE(list_tokens(a(), bea).empty());
  EXPECT_TRUE(fails_with(revoke_token(a(), bea, tok->info.id), error_code::not_found));
  EXPECT_TRUE(authenticate(a(), bearer(tok->secret)).has_value());
}

// --- sessions, password, profile ---

TEST_F(AccountsService, LogOutRevokesOnlyThatSession) {
  auto s = sign_up(a(), form(), locale::fr);
  auto other = log_in(a(), "ana@example.com", good_password, "10.0.0.1");
  ASSERT_TRUE(s.ok() && other.ok());
  auto who = authenticate(a(), cookie(s->session_token));
  ASSERT_TRUE(who.has_value());
  log_out(a(), *who);
  EXPECT_FALSE(authenticate(a(), cookie(s->session_token)).has_value());
  EXPECT_TRUE(authenticate(a(), cookie(other->session_token)).has_value());
}

TEST_F(AccountsService, ChangePasswordRevokesTheOtherSessions) {
  auto here = sign_up(a(), form(), locale::fr);
  auto elsewhere = log_in(a(), "ana@example.com", good_password, "10.0.0.1");
  ASSERT_TRUE(here.ok() && elsewhere.ok());
  auto tok = create_token(a(), caller{here->acct.id, locale::fr, std::nullopt, std::nullopt}, "script");
  ASSERT_TRUE(tok.ok());
  auto who = authenticate(a(), cookie(here->session_token));
  ASSERT_TRUE(who.has_value());

  EXPECT_TRUE(fails_with(change_password(a(), *who, "pas le bon mot", "un tout nouveau mot"),
                         error_code::invalid_credentials));
  EXPECT_TRUE(fails_with(change_password(a(), *who, "", "un tout nouveau mot"),
                         error_code::invalid_field, "current_password"));
  EXPECT_TRUE(fails_with(change_password(a(), *who, good_password, "court"),
                         error_code::invalid_field, "new_password", field_problem::too_short));
  // Nothing was revoked by the refused attempts.
  EXPECT_TRUE(authenticate(a(), cookie(elsewhere->session_token)).has_value());

  ASSERT_TRUE(change_password(a(), *who, good_password, "un tout nouveau mot").ok());
  EXPECT_TRUE(authenticate(a(), cookie(here->session_token)).has_value());
  EXPECT_FALSE(authenticate(a(), cookie(elsewhere->session_token)).has_value());
  EXPECT_FALSE(authenticate(a(), bearer(tok->secret)).has_value());
  EXPECT_TRUE(list_tokens(a(), *who).empty());
  EXPECT_TRUE(fails_with(log_in(a(), "ana@example.com", good_password, "10.0.0.1"),
                         error_code::invalid_credentials));
  EXPECT_TRUE(log_in(a(), "ana@example.com", "un tout nouveau mot", "10.0.0.1").ok());
}

TEST_F(AccountsService, ChangePasswordEndsLoginLinksAskedForBeforeIt) {
  auto here = sign_up(a(), form(), locale::fr);
  ASSERT_TRUE(here.ok());
  ASSERT_TRUE(send_login_link(a(), "ana@example.com", "10.0.0.1").ok());
  ASSERT_TRUE(send_login_link(a(), "ana@example.com", "10.0.0.1").ok());
  auto used = redeem_login_link(a(), link_token(outbox_rows(t)[1].body, t.cfg.public_url));
  ASSERT_TRUE(used.ok());
  const std::string unused = link_token(outbox_rows(t)[0].body, t.cfg.public_url);
  t.clock.advance(minute);
  auto who = authenticate(a(), cookie(here->session_token));
  ASSERT_TRUE(who.has_value());
  ASSERT_TRUE(change_password(a(), *who, good_password, "un tout nouveau mot").ok());
  EXPECT_TRUE(fails_with(redeem_login_link(a(), unused), error_code::invalid_credentials));
  // A link asked for after the change works, and later tokens do.
  ASSERT_TRUE(send_login_link(a(), "ana@example.com", "10.0.0.1").ok());
  EXPECT_TRUE(redeem_login_link(a(), link_token(outbox_rows(t)[2].body, t.cfg.public_url)).ok());
  auto tok = create_token(a(), *who, "après");
  ASSERT_TRUE(tok.ok());
  EXPECT_TRUE(authenticate(a(), bearer(tok->secret)).has_value());
}

TEST_F(AccountsService, ChangePasswordWithATokenEndsEverySessionAndToken) {
  auto s = sign_up(a(), form(), locale::fr);
  ASSERT_TRUE(s.ok());
  auto tok = create_token(a(), caller{s->acct.id, locale::fr, std::nullopt, std::nullopt}, "script");
  ASSERT_TRUE(tok.ok());
  auto who = authenticate(a(), bearer(tok->secret));
  ASSERT_TRUE(who.has_value());
  ASSERT_TRUE(change_password(a(), *who, good_password, "un tout nouveau mot").ok());
  EXPECT_FALSE(authenticate(a(), bearer(tok->secret)).has_value());
  EXPECT_FALSE(authenticate(a(), cookie(s->session_token)).has_value());
}

TEST_F(AccountsService, UpdateProfileChangesNameAndLocale) {
  const caller ana = t.person("Ana");
  auto renamed = update_profile(a(), ana, std::string("  Ana Lopez "), std::nullopt);
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->display_name, "Ana Lopez");
  EXPECT_EQ(renamed->lang, locale::fr);

  auto english = update_profile(a(), ana, std::nullopt, std::string("en"));
  ASSERT_TRUE(english.ok());
  EXPECT_EQ(english->display_name, "Ana Lopez");
  EXPECT_EQ(english->lang, locale::en);

  auto stored = profile(a(), ana);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->display_name, "Ana Lopez");
  EXPECT_EQ(stored->lang, locale::en);
  EXPECT_EQ(stored->email, "ana@example.com");

  EXPECT_TRUE(fails_with(update_profile(a(), ana, std::string(" "), std::nullopt),
                         error_code::invalid_field, "display_name", field_problem::required));
  EXPECT_TRUE(fails_with(update_profile(a(), ana, std::string(81, 'x'), std::nullopt),
                         error_code::invalid_field, "display_name", field_problem::too_long));
  EXPECT_TRUE(fails_with(update_profile(a(), ana, std::nullopt, std::string("es")),
                         error_code::invalid_field, "locale"));
  // A refused change leaves the profile as it was.
  EXPECT_EQ(profile(a(), ana)->display_name, "Ana Lopez");
  // Tokens carry the account's language.
  auto tok = create_token(a(), ana, "cli");
  ASSERT_TRUE(tok.ok());
  EXPECT_EQ(authenticate(a(), bearer(tok->secret))->lang, locale::en);
}

}  // namespace
}  // namespace ps::accounts

namespace ps::accounts {
namespace {

TEST(AccountsTokenUse, AuthenticatingWithATokenRecordsItsLastUseToTheMinute) {
  testing::test_app t;
  caller ana = t.person("Ana");
  auto token = create_token(t.app(), ana, "script");
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(authenticate(t.app(), bearer(token->secret)).has_value());
  t.db->write([](db::transaction&) {});  // writes commit in order: the recorded use is now visible
  auto listed = list_tokens(t.app(), ana);
  ASSERT_EQ(listed.size(), 1u);
  ASSERT_TRUE(listed[0].last_used_at.has_value());
  EXPECT_EQ(*listed[0].last_used_at, t.clock.now());

  t.clock.advance(30'000);  // within the minute: not written again
  ASSERT_TRUE(authenticate(t.app(), bearer(token->secret)).has_value());
  t.db->write([](db::transaction&) {});
  EXPECT_EQ(*list_tokens(t.app(), ana)[0].last_used_at, t.clock.now() - 30'000);

  t.clock.advance(60'000);
  ASSERT_TRUE(authenticate(t.app(), bearer(token->secret)).has_value());
  t.db->write([](db::transaction&) {});
  EXPECT_EQ(*list_tokens(t.app(), ana)[0].last_used_at, t.clock.now());
}

}  // namespace
}  // namespace ps::accounts
