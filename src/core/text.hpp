#pragma once
#include <string>
#include <string_view>

namespace ps::text {

// Leading and trailing ASCII whitespace removed.
std::string_view trim(std::string_view s);
// Number of Unicode code points in valid UTF-8 (continuation bytes are not counted).
std::size_t utf8_length(std::string_view s);
bool is_valid_utf8(std::string_view s);
inline constexpr std::string_view replacement_char = "\xEF\xBF\xBD";  // U+FFFD
// Length of the well-formed UTF-8 sequence at the start of `s`, or 0 when it is not one
// (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, cut short).
std::size_t valid_utf8_length(std::string_view s);
// `s` with every byte that is not part of a well-formed sequence replaced by U+FFFD: for text
// that goes into JSON or an email declared UTF-8.
std::string to_valid_utf8(std::string_view s);
std::string to_lower_ascii(std::string_view s);
// A plausible email address: one '@', something before it, a dot in the domain, no spaces.
bool looks_like_email(std::string_view s);
// "Les Voisins de l'École!" -> "les-voisins-de-l-ecole": lower case, accents folded,
// runs of anything else turned into one '-', at most 40 characters.
std::string slugify(std::string_view name);
bool is_valid_slug(std::string_view slug);

}  // namespace ps::text
