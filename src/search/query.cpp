#include "search/query.hpp"

#include "core/text.hpp"
#include "search/errors.hpp"

namespace ps::search {

namespace {

// Decodes the code point at the start of `s` (valid UTF-8, checked before), and its length.
std::pair<char32_t, std::size_t> decode(std::string_view s) {
  const auto b = static_cast<unsigned char>(s[0]);
  if (b < 0x80) return {b, 1};
  const std::size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
  char32_t cp = b & (0x7F >> n);
  for (std::size_t i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  return {cp, n};
}

// Whether a code point belongs to a word. ASCII letters and digits do; so does any other letter,
// which this approximates by what is left outside the blocks of punctuation, spaces, symbols,
// arrows, emoji and private use (where the snippet markers live, search/snippet.hpp). Both
// engines cut words by the same rule with their own Unicode tables, so this only has to keep
// what they would keep: a stray symbol left in a word is folded away by them.
bool in_word(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA;  // Latin-1 punctuation and signs
  if (c == 0xD7 || c == 0xF7) return false;                  // × ÷
  if (c >= 0x2000 && c <= 0x2BFF) return false;              // punctuation, symbols, arrows, shapes
  if (c >= 0x3000 && c <= 0x303F) return false;              // CJK punctuation
  if (c >= 0xE000 && c <= 0xF8FF) return false;              // private use
  if (c >= 0xFE00 && c <= 0xFE6F) return false;              // variation selectors, small forms
  if (c >= 0xFF00 && c <= 0xFF0F) return false;              // full-width punctuation
  if (c >= 0x1F000 && c <= 0x1FAFF) return false;            // emoji and pictographs
  return true;
}

}  // namespace

result<terms> terms_of(std::string_view typed) {
  const std::string_view q = text::trim(typed);
  if (q.empty()) return errors::invalid("q", field_problem::required);
  if (!text::is_valid_utf8(q)) return errors::invalid("q", field_problem::invalid_format);
  if (text::utf8_length(q) > max_query_length)
    return errors::invalid("q", field_problem::too_long, max_query_length);
  terms out;
  std::string word;
  std::size_t word_length = 0, last_length = 0;
  bool ended_inside_word = false;
  auto finish = [&] {
    if (!word.empty() && out.words.size() < max_terms) {
      out.words.push_back(std::move(word));
      last_length = word_length;
    }
    word.clear();
    word_length = 0;
  };
  for (std::size_t at = 0; at < q.size();) {
    const auto [cp, n] = decode(q.substr(at));
    ended_inside_word = in_word(cp);
    if (ended_inside_word) {
      if (word_length < max_term_length) word.append(q.substr(at, n));
      ++word_length;
    } else {
      finish();
    }
    at += n;
  }
  finish();
  if (out.words.empty()) return errors::of(needs_words);
  // "chat " (a space after the last word) means the word is whole. A prefix of one or two
  // letters would match a good part of the dictionary, at the cost of reading all of it.
  out.last_is_prefix = ended_inside_word && typed.size() == q.size() + (q.data() - typed.data()) &&
                       last_length >= min_prefix_length;
  return out;
}

namespace {

// Each word quoted as `open` word `close`, joined by `between`, the last one followed by
// `prefix` when it matches as a prefix. The words hold letters and digits only: nothing in
// them needs escaping in either engine's syntax.
std::string joined(const terms& t, char quote, std::string_view between, std::string_view prefix) {
  std::string out;
  for (std::size_t i = 0; i < t.words.size(); ++i) {
    if (i) out += between;
    out += quote;
    out += t.words[i];
    out += quote;
    if (i + 1 == t.words.size() && t.last_is_prefix) out += prefix;
  }
  return out;
}

}  // namespace

std::string fts5_match(const terms& t) {
  return joined(t, '"', " ", "*");
}

std::string tsquery(const terms& t) {
  return joined(t, '\'', " & ", ":*");
}

}  // namespace ps::search
