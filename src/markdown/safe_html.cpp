#include "markdown/safe_html.hpp"

#include <cstdint>
#include <string>
#include <string_view>

#include "core/text.hpp"

namespace ps::markdown::safe_html {
namespace {

using text::append_utf8;
using text::replacement_char;

bool is_ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_ascii_alnum(char c) {
  return is_ascii_alpha(c) || is_ascii_digit(c);
}

char to_ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_numeric_entity(std::string_view e) {
  return e.size() >= 4 && e.substr(0, 2) == "&#" && e.back() == ';';
}

// "&name;" with only ASCII letters and digits, as md4c promises: such text
// cannot open a tag or leave an attribute, so it may be copied verbatim.
bool is_named_entity(std::string_view e) {
  if (e.size() < 3 || e.front() != '&' || e.back() != ';') return false;
  const std::string_view name = e.substr(1, e.size() - 2);
  if (!is_ascii_alpha(name.front())) return false;
  for (const char c : name) {
    if (!is_ascii_alnum(c)) return false;
  }
  return true;
}

// "&#65;" or "&#x41;" to its code point; CommonMark turns 0, surrogates and
// values beyond Unicode into U+FFFD.
char32_t numeric_entity_value(std::string_view e) {
  std::string_view digits = e.substr(2, e.size() - 3);
  int base = 10;
  if (!digits.empty() && (digits.front() == 'x' || digits.front() == 'X')) {
    base = 16;
    digits.remove_prefix(1);
  }
  std::uint32_t value = 0;
  for (const char c : digits) {
    int d = 0;
    if (is_ascii_digit(c)) {
      d = c - '0';
    } else if (base == 16 && to_ascii_lower(c) >= 'a' && to_ascii_lower(c) <= 'f') {
      d = to_ascii_lower(c) - 'a' + 10;
    } else {
      return 0xFFFD;
    }
    value = value * base + d;
    if (value > 0x10FFFF) return 0xFFFD;
  }
  if (digits.empty() || value == 0 || (value >= 0xD800 && value <= 0xDFFF)) {
    return 0xFFFD;
  }
  return value;
}

// Named entities we decode inside URLs. We hold no full HTML5 table, so any
// other name keeps its '&' escaped: the browser then sees the same literal
// text we checked, and a "&colon;" cannot sneak a scheme past us.
std::string_view url_named_entity_value(std::string_view e) {
  struct entry {
    std::string_view entity, value;
  };
  static constexpr entry table[] = {
      {"&amp;", "&"},      {"&lt;", "<"},          {"&gt;", ">"},     {"&quot;", "\""},
      {"&apos;", "'"},     {"&colon;", ":"},       {"&sol;", "/"},    {"&quest;", "?"},
      {"&num;", "#"},      {"&equals;", "="},      {"&period;", "."}, {"&Tab;", "\t"},
      {"&NewLine;", "\n"}, {"&nbsp;", "\xC2\xA0"},
  };
  for (const auto& [entity, value] : table) {
    if (entity == e) return value;
  }
  return {};
}

// Calls `piece(type, text)` for each part of an md4c attribute.
template <typename F>
void for_each_piece(const MD_ATTRIBUTE& attr, F piece) {
  if (attr.size == 0 || attr.text == nullptr) return;
  for (std::size_t i = 0; attr.substr_offsets[i] < attr.size; ++i) {
    const MD_OFFSET begin = attr.substr_offsets[i];
    const MD_OFFSET end = attr.substr_offsets[i + 1];
    piece(attr.substr_types[i], std::string_view(attr.text + begin, end - begin));
  }
}

// The URL as a browser reads it to find its scheme and host: leading controls and spaces
// dropped, every tab and newline removed; lower-cased.
std::string cleaned_url(std::string_view url) {
  std::string cleaned;
  std::size_t i = 0;
  while (i < url.size() && static_cast<unsigned char>(url[i]) <= 0x20) ++i;
  for (; i < url.size(); ++i) {
    if (url[i] != '\t' && url[i] != '\n' && url[i] != '\r') {
      cleaned += to_ascii_lower(url[i]);
    }
  }
  return cleaned;
}

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
}

void append_entity(std::string& out, std::string_view e) {
  if (is_numeric_entity(e)) {
    std::string decoded;
    append_utf8(decoded, numeric_entity_value(e));
    append_escaped(out, decoded);
  } else if (is_named_entity(e)) {
    out += e;
  } else {
    append_escaped(out, e);
  }
}

void append_attribute(std::string& out, const MD_ATTRIBUTE& attr) {
  for_each_piece(attr, [&](MD_TEXTTYPE type, std::string_view text) {
    if (type == MD_TEXT_NULLCHAR) {
      out += replacement_char;
    } else if (type == MD_TEXT_ENTITY) {
      append_entity(out, text);
    } else {
      append_escaped(out, text);
    }
  });
}

std::string decode_url(const MD_ATTRIBUTE& attr) {
  std::string url;
  for_each_piece(attr, [&](MD_TEXTTYPE type, std::string_view text) {
    if (type == MD_TEXT_NULLCHAR) {
      url += replacement_char;
    } else if (type == MD_TEXT_ENTITY && is_numeric_entity(text)) {
      append_utf8(url, numeric_entity_value(text));
    } else if (type == MD_TEXT_ENTITY && is_named_entity(text) &&
               !url_named_entity_value(text).empty()) {
      url += url_named_entity_value(text);
    } else {
      url += text;
    }
  });
  return url;
}

bool is_allowed_url(std::string_view url) {
  const std::string cleaned = cleaned_url(url);
  const std::size_t end = cleaned.find_first_of(":/?#");
  if (end == std::string::npos || cleaned[end] != ':') return true;
  const std::string_view scheme = std::string_view(cleaned).substr(0, end);
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

bool is_remote_url(std::string_view url) {
  const std::string cleaned = cleaned_url(url);
  const auto is_slash = [](char c) { return c == '/' || c == '\\'; };
  if (cleaned.size() >= 2 && is_slash(cleaned[0]) && is_slash(cleaned[1])) return true;
  const std::size_t end = cleaned.find_first_of(":/?#");
  return end != std::string::npos && cleaned[end] == ':';
}

void append_url(std::string& out, std::string_view url) {
  static constexpr std::string_view safe = "~-_.+!*(),%#@?=;:/$";
  static constexpr std::string_view hex = "0123456789ABCDEF";
  for (const char c : url) {
    if (is_ascii_alnum(c) || safe.find(c) != std::string_view::npos) {
      out += c;
    } else if (c == '&') {
      out += "&amp;";
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 0xF];
    }
  }
}

}  // namespace ps::markdown::safe_html
