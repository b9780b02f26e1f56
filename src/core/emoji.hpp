#pragma once
#include <optional>
#include <string>
#include <string_view>

// Emoji as Unicode defines them (UTS #51). ICU answers; its headers stay in emoji.cpp.
namespace ps::emoji {

// Longer input is refused unread: the longest RGI emoji (a kiss with two skin tones) is 35 bytes.
inline constexpr std::size_t max_bytes = 64;

// `s` as one fully-qualified RGI emoji ("recommended for general interchange": single emoji,
// skin tones, flags, keycaps, ZWJ and tag sequences, as emoji keyboards offer them), or nothing
// when it is not one. `s` may lack the U+FE0F that asks for emoji presentation, as older
// keyboards type "❤" (U+2764): the answer has it ("❤️"), so both spellings are one emoji.
std::optional<std::string> fully_qualified(std::string_view s);

}  // namespace ps::emoji
