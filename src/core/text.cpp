#include "core/text.hpp"

#include <cstdint>
#include <string>

namespace ps::text {

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::size_t valid_utf8_length(std::string_view s) {
  if (s.empty()) return 0;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;  // bounds of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) low = 0xA0;   // overlong
    if (b0 == 0xED) high = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) low = 0x90;   // overlong
    if (b0 == 0xF4) high = 0x8F;  // beyond U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i)
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  return length;
}

bool is_valid_utf8(std::string_view s) {
  while (!s.empty()) {
    const std::size_t n = valid_utf8_length(s);
    if (n == 0) return false;
    s.remove_prefix(n);
  }
  return true;
}

std::string to_valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const std::size_t n = valid_utf8_length(s);
    out += n == 0 ? replacement_char : s.substr(0, n);
    s.remove_prefix(n == 0 ? 1 : n);
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

namespace {

// The code point of the well-formed sequence of `n` bytes at the start of `s`.
char32_t decode(std::string_view s, std::size_t n) {
  const auto b = [&](std::size_t i) {
    return static_cast<char32_t>(static_cast<unsigned char>(s[i]));
  };
  switch (n) {
    case 1:
      return b(0);
    case 2:
      return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3:
      return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default:
      return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

bool is_control(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

// UAX #9's directional marks (ALM, LRM, RLM) and isolates (LRI, RLI, FSI, PDI).
bool is_direction_mark_or_isolate(char32_t c) {
  return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x2066 && c <= 0x2069);
}
// Its embeddings and overrides (LRE, RLE, PDF, LRO, RLO).
bool is_embedding_or_override(char32_t c) {
  return c >= 0x202A && c <= 0x202E;
}

// Invisible characters with no use in a name: zero-width space, word joiner and the invisible
// operators, the byte-order mark.
bool is_invisible(char32_t c) {
  return c == 0x200B || (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF;
}

bool forbidden_name_character(char32_t c) {
  return is_control(c) || c == 0x2028 || c == 0x2029 || is_direction_mark_or_isolate(c) ||
         is_embedding_or_override(c) || is_invisible(c);
}

bool forbidden_text_character(char32_t c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  return is_control(c) || is_embedding_or_override(c);
}

template <typename Forbidden>
std::optional<char32_t> first_forbidden(std::string_view s, Forbidden forbidden) {
  while (!s.empty()) {
    const std::size_t n = valid_utf8_length(s);
    if (n == 0) {  // not ours to judge: UTF-8 is checked where text enters
      s.remove_prefix(1);
      continue;
    }
    const char32_t c = decode(s, n);
    if (forbidden(c)) return c;
    s.remove_prefix(n);
  }
  return std::nullopt;
}

}  // namespace

std::optional<char32_t> forbidden_in_name(std::string_view s) {
  return first_forbidden(s, forbidden_name_character);
}

std::optional<char32_t> forbidden_in_text(std::string_view s) {
  return first_forbidden(s, forbidden_text_character);
}

bool looks_like_email(std::string_view s) {
  if (s.size() < 3 || s.size() > 254) return false;
  const auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos)
    return false;
  const std::string_view domain = s.substr(at + 1);
  const auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot == domain.size() - 1) return false;
  for (unsigned char c : s)
    if (c <= ' ' || c == 0x7F || c == '<' || c == '>' || c == ',' || c == ';') return false;
  return !forbidden_in_name(s);
}

namespace {

// The Latin letters with diacritics that French, and most names, use.
char fold_latin1_supplement(std::uint32_t cp) {
  if (cp >= 0xC0 && cp <= 0xC5) return 'a';
  if (cp == 0xC7) return 'c';
  if (cp >= 0xC8 && cp <= 0xCB) return 'e';
  if (cp >= 0xCC && cp <= 0xCF) return 'i';
  if (cp == 0xD1) return 'n';
  if (cp >= 0xD2 && cp <= 0xD6) return 'o';
  if (cp >= 0xD9 && cp <= 0xDC) return 'u';
  if (cp == 0xDD) return 'y';
  if (cp >= 0xE0 && cp <= 0xE5) return 'a';
  if (cp == 0xE7) return 'c';
  if (cp >= 0xE8 && cp <= 0xEB) return 'e';
  if (cp >= 0xEC && cp <= 0xEF) return 'i';
  if (cp == 0xF1) return 'n';
  if (cp >= 0xF2 && cp <= 0xF6) return 'o';
  if (cp >= 0xF9 && cp <= 0xFC) return 'u';
  if (cp == 0xFD || cp == 0xFF) return 'y';
  if (cp == 0x152 || cp == 0x153) return 'o';  // œ, folded with its e dropped
  return 0;
}

}  // namespace

std::string slugify(std::string_view name) {
  std::string out;
  bool dash = false;
  for (std::size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    char folded = 0;
    std::size_t len = 1;
    if (c < 0x80) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) folded = static_cast<char>(c);
      else if (c >= 'A' && c <= 'Z') folded = static_cast<char>(c - 'A' + 'a');
    } else if ((c & 0xE0) == 0xC0 && i + 1 < name.size()) {
      len = 2;
      folded = fold_latin1_supplement(((c & 0x1Fu) << 6) | (static_cast<unsigned char>(name[i + 1]) & 0x3Fu));
    } else {
      len = (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    }
    i += len;
    if (folded) {
      if (dash && !out.empty()) out += '-';
      dash = false;
      out += folded;
      if (out.size() >= 40) break;
    } else {
      dash = true;
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

bool is_valid_slug(std::string_view slug) {
  if (slug.size() < 2 || slug.size() > 40 || slug.front() == '-' || slug.back() == '-') return false;
  for (char c : slug)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

}  // namespace ps::text
