#include "notifications/model.hpp"

#include "core/json_writer.hpp"
#include "core/text.hpp"

namespace ps::notifications {

std::string_view level_name(level l) {
  switch (l) {
    case level::all:
      return "all";
    case level::mentions:
      return "mentions";
    case level::nothing:
      return "nothing";
  }
  return "mentions";
}

std::optional<level> parse_level(std::string_view name) {
  for (level l : {level::all, level::mentions, level::nothing})
    if (name == level_name(l)) return l;
  return std::nullopt;
}

level default_level(std::string_view room_kind) {
  return room_kind == "direct" || room_kind == "group" || room_kind == "broadcast"
             ? level::all
             : level::mentions;
}

bool passes(level l, std::string_view kind) {
  if (l == level::nothing) return false;
  if (l == level::all) return true;
  return kind == for_mention || kind == for_reply || kind == for_comment || kind == for_poll_closed;
}

std::string to_json(const notification& n) {
  std::string out;
  json_text::object_writer w(out);
  w.field("id", n.id).field("kind", n.kind).field("read", n.read_at.has_value());
  w.field("created_at", iso8601(n.created_at));
  {
    json_text::object_writer c(w.raw_field("community"));
    c.field("id", n.community_id).field("slug", n.community_slug).field("name", n.community_name);
    c.close();
  }
  {
    json_text::object_writer c(w.raw_field("channel"));
    c.field("id", n.channel_id).field("name", n.channel_name).field("kind", n.channel_kind);
    c.close();
  }
  {
    json_text::object_writer i(w.raw_field("item"));
    i.field("kind", n.item_kind).field("id", n.item_id);
    if (n.seq) i.field("seq", *n.seq);
    if (n.parent_id) i.field("parent_id", *n.parent_id);
    if (n.post_id) i.field("post_id", *n.post_id);
    i.close();
  }
  if (n.actor_id) {
    json_text::object_writer a(w.raw_field("actor"));
    a.field("id", *n.actor_id).field("display_name", n.actor_name);
    a.close();
  } else {
    w.null_field("actor");
  }
  w.field("excerpt", n.excerpt);
  w.close();
  return out;
}

namespace {

// `tag` is "<span class=…" or "</strong" (without its '>').
bool is_inline_tag(std::string_view tag) {
  tag.remove_prefix(tag.starts_with("</") ? 2 : 1);
  const auto name_end = tag.find_first_of(" \t\n/");
  const auto name = tag.substr(0, name_end);
  for (std::string_view inline_name :
       {"span", "strong", "em", "b", "i", "a", "code", "mark", "s", "del", "u", "sub", "sup"})
    if (name == inline_name) return true;
  return false;
}

}  // namespace

std::string plain_excerpt(std::string_view html, std::size_t limit) {
  std::string text;
  bool space = false;
  for (std::size_t at = 0; at < html.size();) {
    const char c = html[at];
    if (c == '<') {
      const auto end = html.find('>', at);
      const auto tag = html.substr(at, end == std::string_view::npos ? html.npos : end - at);
      at = end == std::string_view::npos ? html.size() : end + 1;
      // A block (a paragraph, a line break, an item) separates words; an inline tag (a
      // mention's span, emphasis, a link) does not: "<@2>!" reads "@Béa!".
      if (!is_inline_tag(tag)) space = space || !text.empty();
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !text.empty();
      ++at;
      continue;
    }
    if (space) text += ' ';
    space = false;
    if (c == '&') {
      bool decoded = false;
      for (auto [entity, plain] : {std::pair{"&amp;", "&"},
                                   {"&lt;", "<"},
                                   {"&gt;", ">"},
                                   {"&quot;", "\""},
                                   {"&#39;", "'"},
                                   {"&nbsp;", " "}}) {
        if (html.substr(at).starts_with(entity)) {
          text += plain;
          at += std::string_view(entity).size();
          decoded = true;
          break;
        }
      }
      if (decoded) continue;
    }
    text += c;
    ++at;
  }
  if (text::utf8_length(text) <= limit) return text;
  // Cut at a code point's start.
  std::size_t points = 0, cut = 0;
  for (; cut < text.size() && points < limit; ++cut)
    if ((static_cast<unsigned char>(text[cut]) & 0xC0) != 0x80) ++points;
  while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) ++cut;
  return text.substr(0, cut) + "…";
}

}  // namespace ps::notifications
