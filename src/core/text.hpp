#pragma once
#include <optional>
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
// Appends the UTF-8 encoding of one code point (at most U+10FFFF, not a surrogate).
void append_utf8(std::string& out, char32_t cp);
std::string to_lower_ascii(std::string_view s);

// The first character of a name (a display name; a community, channel or token name: one line
// shown to other people) that no name may hold: C0 and C1 controls and DEL (tabs and line breaks
// too), the line and paragraph separators U+2028/U+2029, every character that changes the
// direction of text (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069: "Ana", U+202E,
// "gpj.exe" shows as "Anaexe.jpg"), and the invisible U+200B, U+2060–U+2064 and U+FEFF. ZWJ and
// ZWNJ stay: emoji sequences and several scripts need them.
std::optional<char32_t> forbidden_in_name(std::string_view s);
// The same for a longer text (a message body, a description, a note), which may hold tabs, line
// breaks (LF, CR, U+2028, U+2029), the directional isolates U+2066–U+2069 and the marks U+061C,
// U+200E and U+200F, as mixed right-to-left and left-to-right writing needs; but not the other
// controls, nor the embeddings and overrides U+202A–U+202E, which force the direction of letters
// (the tool of spoofing; UAX #9 recommends isolates instead).
std::optional<char32_t> forbidden_in_text(std::string_view s);
// A plausible email address: one '@', something before it, a dot in the domain, no spaces, no
// character forbidden in a name.
bool looks_like_email(std::string_view s);
// "Les Voisins de l'École!" -> "les-voisins-de-l-ecole": lower case, accents folded,
// runs of anything else turned into one '-', at most 40 characters.
std::string slugify(std::string_view name);
bool is_valid_slug(std::string_view slug);

}  // namespace ps::text
