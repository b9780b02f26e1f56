#include "search/snippet.hpp"

namespace ps::search {

std::string snippet_html(std::string_view marked) {
  std::string out;
  out.reserve(marked.size() + 32);
  bool open = false, space = false;
  for (std::size_t at = 0; at < marked.size();) {
    const std::string_view rest = marked.substr(at);
    if (rest.starts_with(match_opens) || rest.starts_with(match_closes)) {
      const bool opens = rest.starts_with(match_opens);
      if (opens != open) {
        if (space) out += ' ';
        space = false;
        out += opens ? "<mark>" : "</mark>";
        open = opens;
      }
      at += match_opens.size();
      continue;
    }
    if (rest.starts_with(less_than_sign)) {
      if (space) out += ' ';
      space = false;
      out += "&lt;";
      at += less_than_sign.size();
      continue;
    }
    const char c = marked[at++];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
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
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  if (open) out += "</mark>";
  return out;
}

}  // namespace ps::search
