#include "mentions/markup.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "markdown/safe_html.hpp"

namespace ps::mentions {

namespace {

constexpr std::string_view token_opens = "&lt;@";
constexpr std::string_view token_closes = "&gt;";
constexpr std::string_view everyone_word = "@everyone";
constexpr std::string_view here_word = "@here";

bool is_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         u >= 0x80;  // a letter of another script, or an accent: part of a word
}

// A member token at the start of `text`: its id and length.
std::optional<std::pair<std::int64_t, std::size_t>> member_token(std::string_view text) {
  if (!text.starts_with(token_opens)) return std::nullopt;
  const std::string_view rest = text.substr(token_opens.size());
  std::size_t digits = 0;
  while (digits < rest.size() && digits < 18 && rest[digits] >= '0' && rest[digits] <= '9')
    ++digits;
  if (digits == 0 || !rest.substr(digits).starts_with(token_closes)) return std::nullopt;
  std::int64_t id = 0;
  std::from_chars(rest.data(), rest.data() + digits, id);
  if (id <= 0) return std::nullopt;
  return std::pair{id, token_opens.size() + digits + token_closes.size()};
}

// @everyone or @here at `at` in `text`, standing as a word of its own.
std::string_view broadcast_word(std::string_view text, std::size_t at) {
  if (at > 0 && is_word_byte(text[at - 1])) return {};
  for (std::string_view w : {everyone_word, here_word}) {
    if (!text.substr(at).starts_with(w)) continue;
    const std::size_t end = at + w.size();
    if (end < text.size() && is_word_byte(text[end])) continue;
    return w;
  }
  return {};
}

// Walks the text of rendered HTML outside code, calling on_text(piece, copy) for each piece of
// text and copying tags as they are.
template <class OnText>
void walk_text(std::string_view html, std::string* out, OnText on_text) {
  int in_code = 0;
  std::size_t at = 0;
  while (at < html.size()) {
    if (html[at] == '<') {
      const std::size_t end = html.find('>', at);
      const std::string_view tag =
          html.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at + 1);
      if (tag.starts_with("<code") || tag.starts_with("<pre")) ++in_code;
      if (tag.starts_with("</code") || tag.starts_with("</pre")) in_code = std::max(0, in_code - 1);
      if (out) *out += tag;
      at += tag.size();
      continue;
    }
    const std::size_t end = std::min(html.find('<', at), html.size());
    const std::string_view text = html.substr(at, end - at);
    if (in_code) {
      if (out) *out += text;
    } else {
      on_text(text);
    }
    at = end;
  }
}

}  // namespace

found mentions_in(std::string_view rendered) {
  found f;
  walk_text(rendered, nullptr, [&](std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (auto token = member_token(text.substr(i))) {
        if (std::ranges::find(f.members, token->first) == f.members.end())
          f.members.push_back(token->first);
        i += token->second - 1;
      } else if (text[i] == '@') {
        const auto w = broadcast_word(text, i);
        if (w == everyone_word) f.everyone = true;
        if (w == here_word) f.here = true;
      }
    }
  });
  return f;
}

std::string marked_up(std::string_view rendered, const std::map<std::int64_t, std::string>& names,
                      bool broadcasts) {
  std::string out;
  out.reserve(rendered.size() + 64);
  walk_text(rendered, &out, [&](std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (auto token = member_token(text.substr(i))) {
        if (auto name = names.find(token->first); name != names.end()) {
          out += "<span class=\"mention\" data-account-id=\"";
          out += std::to_string(token->first);
          out += "\">@";
          markdown::safe_html::append_escaped(out, name->second);
          out += "</span>";
        } else {
          out += text.substr(i, token->second);
        }
        i += token->second - 1;
        continue;
      }
      if (text[i] == '@' && broadcasts) {
        if (const auto w = broadcast_word(text, i); !w.empty()) {
          out += "<span class=\"mention\" data-mention=\"";
          out += w.substr(1);
          out += "\">";
          out += w;
          out += "</span>";
          i += w.size() - 1;
          continue;
        }
      }
      out += text[i];
    }
  });
  return out;
}

found mentions_of_stored(std::string_view html) {
  found f;
  constexpr std::string_view member_span = "<span class=\"mention\" data-account-id=\"";
  constexpr std::string_view broadcast_span = "<span class=\"mention\" data-mention=\"";
  for (std::size_t at = html.find("<span class=\"mention\""); at != std::string_view::npos;
       at = html.find("<span class=\"mention\"", at + 1)) {
    const std::string_view rest = html.substr(at);
    if (rest.starts_with(member_span)) {
      std::int64_t id = 0;
      const char* digits = rest.data() + member_span.size();
      if (std::from_chars(digits, rest.data() + rest.size(), id).ec == std::errc{} && id > 0 &&
          std::ranges::find(f.members, id) == f.members.end())
        f.members.push_back(id);
    } else if (rest.starts_with(broadcast_span)) {
      const std::string_view which = rest.substr(broadcast_span.size());
      if (which.starts_with("everyone\"")) f.everyone = true;
      if (which.starts_with("here\"")) f.here = true;
    }
  }
  return f;
}

}  // namespace ps::mentions
