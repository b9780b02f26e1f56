#include "newsletter/csv.hpp"

#include <array>
#include <cstdint>

#include "core/text.hpp"

namespace ps::newsletter::csv {
namespace {

constexpr char32_t replacement = 0xFFFD;

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Windows-1252's 0x80–0x9F (the rest of its upper half is Latin-1); 0 where it has nothing.
constexpr std::array<char16_t, 32> cp1252_high = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

std::string from_utf16(std::string_view bytes, bool little_endian) {
  std::string out;
  const auto unit = [&](std::size_t i) -> char32_t {
    const auto a = static_cast<unsigned char>(bytes[i]),
               b = static_cast<unsigned char>(bytes[i + 1]);
    return little_endian ? (b << 8 | a) : (a << 8 | b);
  };
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    char32_t c = unit(i);
    if (c >= 0xD800 && c < 0xDC00 && i + 3 < bytes.size()) {
      const char32_t low = unit(i + 2);
      if (low >= 0xDC00 && low < 0xE000) {
        c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      } else {
        c = replacement;
      }
    } else if (c >= 0xD800 && c < 0xE000) {
      c = replacement;
    }
    append_utf8(out, c);
  }
  return out;
}

}  // namespace

std::string to_utf8(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF"))
    bytes.remove_prefix(3);
  else if (bytes.starts_with("\xFF\xFE"))
    return from_utf16(bytes.substr(2), true);
  else if (bytes.starts_with("\xFE\xFF"))
    return from_utf16(bytes.substr(2), false);
  if (text::is_valid_utf8(bytes)) return std::string(bytes);
  std::string out;
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) {
      out += ch;
    } else if (b < 0xA0) {
      const char16_t c = cp1252_high[b - 0x80];
      append_utf8(out, c ? static_cast<char32_t>(c) : replacement);
    } else {
      append_utf8(out, b);
    }
  }
  return out;
}

table parse(std::string_view text, std::size_t max_rows) {
  table out;
  // The separator: what the first line holds most of, outside quotes.
  char separator = ',';
  {
    std::size_t commas = 0, semicolons = 0, tabs = 0;
    bool quoted = false;
    for (const char c : text) {
      if (c == '"') quoted = !quoted;
      if (quoted) continue;
      if (c == '\n') break;
      commas += c == ',';
      semicolons += c == ';';
      tabs += c == '\t';
    }
    if (semicolons > commas && semicolons >= tabs)
      separator = ';';
    else if (tabs > commas && tabs > semicolons)
      separator = '\t';
  }
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, row_has_content = false;
  std::size_t line = 1, row_line = 1;
  const auto end_row = [&] {
    row.push_back(std::move(field));
    field.clear();
    if (row_has_content) {
      if (out.rows.size() == max_rows) {
        out.truncated = true;
      } else {
        out.rows.push_back(std::move(row));
        out.line_of.push_back(row_line);
      }
    }
    row.clear();
    row_has_content = false;
  };
  for (std::size_t i = 0; i < text.size() && !out.truncated; ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      row_has_content = true;
    } else if (c == separator) {
      row.push_back(std::move(field));
      field.clear();
      row_has_content = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
      row_line = ++line;
    } else {
      field += c;
      if (c != ' ' && c != '\t') row_has_content = true;
    }
  }
  if (!out.truncated && (row_has_content || !field.empty())) end_row();
  return out;
}

}  // namespace ps::newsletter::csv
