#pragma once
#include <string>
#include <string_view>
#include <vector>

// Reading the CSV exports of Mailchimp, Substack and Ghost (and Excel's): RFC 4180 fields
// (quotes, doubled quotes, line breaks inside quotes), a comma, semicolon or tab between them
// (Excel in French writes semicolons), in UTF-8 (with or without a BOM), UTF-16 with its BOM, or,
// when the bytes are not UTF-8, Windows-1252. Written here rather than taken from a library:
// Debian has no maintained C++ CSV parser, and this one is 150 lines with its tests.
namespace ps::newsletter::csv {

// The text as UTF-8, whatever of the encodings above it came in.
std::string to_utf8(std::string_view bytes);

// The rows of `text` (UTF-8), each a list of fields; an empty line is no row. `max_rows`: at
// most that many (the rest are left out; `truncated` says so).
struct table {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> line_of;  // the line each row starts on (1-based), for reports
  bool truncated = false;
};
table parse(std::string_view text, std::size_t max_rows);

}  // namespace ps::newsletter::csv
