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
  EXPECT_EQ(http_status(error_code::limit_reached), 409);
  EXPECT_EQ(http_status(error_code::rate_limited), 429);
  EXPECT_EQ(code_name(error_code::csrf_rejected), "csrf_rejected");
}

TEST(Errors, ACapabilitysOwnErrorKeepsItsStatusCodeAndMessages) {
  static constexpr error_kind poll_closed{409, "poll_closed", "Ce sondage est fermé.",
                                          "This poll is closed."};
  const api_error e = errors::of(poll_closed);
  EXPECT_EQ(http_status(e), 409);
  EXPECT_EQ(code_name(e), "poll_closed");
  EXPECT_EQ(error_message(e, locale::fr), "Ce sondage est fermé.");
  EXPECT_EQ(error_message(e, locale::en), "This poll is closed.");
  // The generic ones answer the same through either form.
  EXPECT_EQ(http_status(errors::forbidden()), 403);
  EXPECT_EQ(code_name(errors::forbidden()), "forbidden");
}

TEST(Errors, MessagesInBothLanguagesNameTheField) {
  auto e = errors::invalid("password", field_problem::too_short, 10);
  EXPECT_NE(error_message(e, locale::fr).find("« password »"), std::string::npos);
  EXPECT_NE(error_message(e, locale::fr).find("10"), std::string::npos);
  EXPECT_NE(error_message(e, locale::en).find("“password”"), std::string::npos);
  EXPECT_NE(error_message(errors::rate_limited(42), locale::en).find("42"), std::string::npos);
}

TEST(Text, NamesRefuseControlsLineBreaksAndDirectionChanges) {
  for (const char32_t bad :
       {U'\0',     U'\t',     U'\n',     U'\r',     U'\x1B',   U'\x7F',   U'\x85',
        U'\x9B',   U'\u2028', U'\u2029', U'\u061C', U'\u200E', U'\u200F', U'\u202A',
        U'\u202B', U'\u202C', U'\u202D', U'\u202E', U'\u2066', U'\u2067', U'\u2068',
        U'\u2069', U'\u200B', U'\u2060', U'\u2064', U'\uFEFF'}) {
    std::string name = "Ana";
    text::append_utf8(name, bad);
    name += "gpj.exe";
    EXPECT_EQ(text::forbidden_in_name(name), bad) << static_cast<std::uint32_t>(bad);
  }
  // The first one found is the one named.
  EXPECT_EQ(text::forbidden_in_name("a\u202Eb\x01"), U'\u202E');
  for (const std::string ok :
       {"Ana", "Béatrice Côté-Lévesque", "محمد", "李小龍", "O’Brien", "Ana 👩🏽\u200D💻",
        "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645",
        "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", ""}) {
    EXPECT_EQ(text::forbidden_in_name(ok), std::nullopt) << ok;  // ZWJ, ZWNJ, tags stay
  }
}

TEST(Text, LongTextsKeepLineBreaksAndIsolatesButNotNulOrOverrides) {
  EXPECT_EQ(text::forbidden_in_text("Ligne 1\nLigne 2\r\n\tfin \u2067مرحبا\u2069 \u200F! \u2028"),
            std::nullopt);
  for (const char32_t bad : {U'\0', U'\x01', U'\x0B', U'\x0C', U'\x1B', U'\x7F', U'\x85', U'\x9F',
                             U'\u202A', U'\u202B', U'\u202C', U'\u202D', U'\u202E'}) {
    std::string body = "Bonjour ";
    text::append_utf8(body, bad);
    EXPECT_EQ(text::forbidden_in_text(body), bad) << static_cast<std::uint32_t>(bad);
  }
}

TEST(Text, EmailsRefuseWhatNamesRefuse) {
  EXPECT_FALSE(text::looks_like_email("ana\u202E@example.com"));
  EXPECT_FALSE(text::looks_like_email("ana@exa\xC2\x85mple.com"));
  EXPECT_TRUE(text::looks_like_email("andré@example.com"));
}

TEST(Errors, AForbiddenCharacterIsNamedWithItsKind) {
  const auto message = [](char32_t c, locale lang) {
    return error_message(errors::forbidden_character("display_name", c), lang);
  };
  EXPECT_EQ(message(U'\0', locale::en),
            "The field “display_name” contains a control character (U+0000), which is not "
            "allowed here.");
  EXPECT_EQ(message(U'\0', locale::fr),
            "Le champ « display_name » contient un caractère de contrôle (U+0000), qui n’est pas "
            "permis ici.");
  EXPECT_NE(message(U'\n', locale::en).find("a line break (U+000A)"), std::string::npos);
  EXPECT_NE(message(U'\u2028', locale::fr).find("un saut de ligne (U+2028)"), std::string::npos);
  EXPECT_NE(message(U'\u202E', locale::en).find("changes the direction of the text (U+202E)"),
            std::string::npos);
  EXPECT_NE(message(U'\u2066', locale::fr).find("change le sens d’écriture du texte (U+2066)"),
            std::string::npos);
  EXPECT_NE(message(U'\u200B', locale::en).find("an invisible character (U+200B)"),
            std::string::npos);
  const api_error e = errors::forbidden_character("name", U'\u202E');
  EXPECT_EQ(e.code, error_code::invalid_field);
  EXPECT_EQ(e.field, "name");
  EXPECT_EQ(e.problem, field_problem::forbidden_characters);
}

TEST(Errors, ALimitReachedSaysWhatAndHowMany) {
  const api_error e = errors::limit_reached("reactions", 20);
  EXPECT_EQ(http_status(e.code), 409);
  EXPECT_EQ(code_name(e.code), "limit_reached");
  EXPECT_EQ(error_message(e, locale::fr),
            "Tu as déjà mis 20 réactions différentes sur ce message : retires-en une pour en "
            "ajouter une autre.");
  EXPECT_EQ(error_message(e, locale::en),
            "You have already put 20 different reactions on this message: remove one to add "
            "another.");
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
