// What counts as one emoji: Unicode's RGI set (UTS #51) through ICU, and the U+FE0F that older
// keyboards leave out.
#include "core/emoji.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ps::emoji {
namespace {

TEST(Emoji, EveryKindOfRgiEmojiIsTakenAsItIs) {
  for (const std::string& e : std::vector<std::string>{
           "👍",                          // one code point with emoji presentation
           "\u2764\uFE0F",               // ❤️: one that needs U+FE0F
           "👋🏽",                   // a skin tone
           "🇨🇦",                         // a flag: two regional indicators
           "1\uFE0F\u20E3",              // 1️⃣: a keycap
           "🏳️‍🌈",             // a ZWJ sequence
           "👨‍👩‍👧‍👦",  // a family
           "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",  // Scotland: tags
           "👩🏻‍❤️‍💋‍👨🏼",  // 35 bytes, the longest kind
       }) {
    EXPECT_EQ(fully_qualified(e), e) << e;
  }
}

TEST(Emoji, AMissingPresentationSelectorIsAdded) {
  EXPECT_EQ(fully_qualified("\u2764"), "\u2764\uFE0F");                  // ❤ → ❤️
  EXPECT_EQ(fully_qualified("\u263A"), "\u263A\uFE0F");                  // ☺ → ☺️
  EXPECT_EQ(fully_qualified("1\u20E3"), "1\uFE0F\u20E3");                // keycap
  EXPECT_EQ(fully_qualified("🏳\u200D🌈"), "🏳\uFE0F\u200D🌈");  // inside a ZWJ sequence
  EXPECT_EQ(fully_qualified("👩\u200D\u2764\u200D👨"), "👩\u200D\u2764\uFE0F\u200D👨");
  // A skin tone asks for emoji presentation by itself: nothing is added before it.
  EXPECT_EQ(fully_qualified("\u261D🏽"), "\u261D🏽");  // ☝🏽
}

TEST(Emoji, AnythingElseIsRefused) {
  for (const std::string& e : std::vector<std::string>{
           "",
           "a",
           "+1",
           ":+1:",
           "1",
           "#",
           "\u00A9x",
           " 👍",
           "👍 ",
           "👍👍",
           "👍a",
           "a👍",
           "🇨",             // half a flag
           "👍\uFE0F",       // a selector where none belongs
           "\u2764\uFE0E",  // text presentation asked for
           "\u200D",
           "👍\u200D",
           "\u202E",
           "👍\u202E",
           "\u200B",
           "\U000E0041",
           "\xF0\x9F\x91",  // cut short
           "\xFF",
           std::string("\0", 1),
           std::string("👍\0", 5),
       }) {
    EXPECT_FALSE(fully_qualified(e).has_value()) << testing::PrintToString(e);
  }
  std::string long_one;
  for (int i = 0; i < 17; ++i) long_one += "👍";  // 68 bytes: refused unread
  EXPECT_FALSE(fully_qualified(long_one).has_value());
}

}  // namespace
}  // namespace ps::emoji
