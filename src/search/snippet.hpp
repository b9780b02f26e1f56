#pragma once
#include <string>
#include <string_view>

// A snippet as the engines cut it, the matched words between two private-use markers, made into
// HTML that any page may insert as it is: every character escaped, each match in <mark>.
namespace ps::search {

// U+E000 and U+E001: what FTS5's snippet() and PostgreSQL's ts_headline() are asked to put
// around each match. A member's own text may hold them too: the HTML stays well formed anyway
// (a close without an open is dropped, an open left at the end is closed).
inline constexpr std::string_view match_opens = "\xEE\x80\x80";
inline constexpr std::string_view match_closes = "\xEE\x80\x81";
// U+E002: what '<' is replaced by before ts_headline() reads the text, which would otherwise
// take "<b>" or "<script>" for HTML tags and drop them from the snippet. Shown as "&lt;".
inline constexpr std::string_view less_than_sign = "\xEE\x80\x82";

// Also turns line breaks and runs of spaces into one space: a snippet is one line.
std::string snippet_html(std::string_view marked);

}  // namespace ps::search
