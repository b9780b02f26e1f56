#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/secrets.hpp"
#include "core/text.hpp"

namespace ps {
namespace {

TEST(Text, SlugFoldsAccentsAndPunctuation) {
  EXPECT_EQ(text::slugify("Les Voisins de l'École!"), "les-voisins-de-l-ecole");
  EXPECT_EQ(text::slugify("  Noël à Montréal  "), "noel-a-montreal");
  EXPECT_EQ(text::slugify("日本"), "");
  EXPECT_LE(text::slugify(std::string(100, 'a')).size(), 40u);
}

TEST(Text, SlugValidation) {
  EXPECT_TRUE(text::is_valid_slug("les-voisins"));
  EXPECT_FALSE(text::is_valid_slug("a"));
  EXPECT_FALSE(text::is_valid_slug("-abc"));
  EXPECT_FALSE(text::is_valid_slug("Abc"));
  EXPECT_FALSE(text::is_valid_slug("é-a"));
}

TEST(Text, Utf8LengthCountsCodePoints) {
  EXPECT_EQ(text::utf8_length("école"), 5u);
  EXPECT_EQ(text::utf8_length("👍"), 1u);
  EXPECT_TRUE(text::is_valid_utf8("Noël 👍"));
  EXPECT_FALSE(text::is_valid_utf8("\xC3"));
  EXPECT_FALSE(text::is_valid_utf8("\xC0\x80"));       // overlong
  EXPECT_FALSE(text::is_valid_utf8("\xED\xA0\x80"));   // surrogate
}

TEST(Text, EmailShape) {
  EXPECT_TRUE(text::looks_like_email("ana@example.com"));
  EXPECT_FALSE(text::looks_like_email("ana@example"));
  EXPECT_FALSE(text::looks_like_email("ana example@x.com"));
  EXPECT_FALSE(text::looks_like_email("a@b@c.com"));
  EXPECT_FALSE(text::looks_like_email("@c.com"));
}

TEST(Errors, StatusesAndCodes) {
  EXPECT_EQ(http_status(error_code::malformed_json), 400);
  EXPECT_EQ(http_status(error_code::invalid_field), 422);
  EXPECT_EQ(http_status(error_code::invitation_used_up), 410);
  EXPECT_EQ(http_status(error_code::rate_limited), 429);
  EXPECT_EQ(code_name(error_code::email_taken), "email_taken");
}

TEST(Errors, MessagesInBothLanguagesNameTheField) {
  auto e = errors::invalid("password", field_problem::too_short, 10);
  EXPECT_NE(error_message(e, locale::fr).find("« password »"), std::string::npos);
  EXPECT_NE(error_message(e, locale::fr).find("10"), std::string::npos);
  EXPECT_NE(error_message(e, locale::en).find("“password”"), std::string::npos);
  EXPECT_NE(error_message(errors::rate_limited(42), locale::en).find("42"), std::string::npos);
}

TEST(Locale, AcceptLanguage) {
  EXPECT_EQ(locale_from_accept_language("en-CA,en;q=0.9,fr;q=0.8"), locale::en);
  EXPECT_EQ(locale_from_accept_language("fr-CA,en;q=0.5"), locale::fr);
  EXPECT_EQ(locale_from_accept_language("de-DE,en;q=0.5"), locale::en);
  EXPECT_EQ(locale_from_accept_language(""), locale::fr);
  EXPECT_EQ(locale_from_accept_language("enx"), locale::fr);
}

TEST(Clock, Iso8601) { EXPECT_EQ(iso8601(1'790'000'000'123), "2026-09-21T14:13:20.123Z"); }

TEST(Secrets, TokensAreRandomAndDigestsStable) {
  auto a = secrets::random_token(), b = secrets::random_token();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_EQ(secrets::token_digest(a), secrets::token_digest(a));
  EXPECT_NE(secrets::token_digest(a), secrets::token_digest(b));
  EXPECT_EQ(secrets::token_digest(a).size(), 64u);
}

TEST(Secrets, PasswordHashVerifies) {
  const auto hash = secrets::hash_password("un mot de passe", true);
  EXPECT_TRUE(hash.starts_with("$argon2id$"));
  EXPECT_TRUE(secrets::verify_password("un mot de passe", hash));
  EXPECT_FALSE(secrets::verify_password("un autre", hash));
}

}  // namespace
}  // namespace ps

#include <nlohmann/json.hpp>

#include "core/json_writer.hpp"

namespace ps {
namespace {

TEST(JsonWriter, EscapesAndStaysValidJson) {
  std::string out;
  json_text::object_writer w(out);
  w.field("text", std::string_view("quote \" backslash \\ newline \n tab \t bell \x07 é 👍"))
      .field("n", std::int64_t{-42})
      .field("yes", true)
      .field("none", std::optional<std::int64_t>{})
      .field("bad", std::string_view("\xC3\x28 \xF0\x9F"));
  w.close();
  auto parsed = nlohmann::json::parse(out);
  EXPECT_EQ(parsed["text"], "quote \" backslash \\ newline \n tab \t bell \x07 é 👍");
  EXPECT_EQ(parsed["n"], -42);
  EXPECT_EQ(parsed["yes"], true);
  EXPECT_TRUE(parsed["none"].is_null());
  EXPECT_EQ(parsed["bad"], "\xEF\xBF\xBD( \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Clock, Iso8601AroundTheCalendar) {
  EXPECT_EQ(iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601(951'782'400'000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(iso8601(4'102'444'799'999), "2099-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace ps
