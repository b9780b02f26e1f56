#include "board/model.hpp"

#include <nlohmann/json.hpp>

#include "mentions/markup.hpp"

namespace ps::board {

using nlohmann::json;

namespace {

json time_or_null(const std::optional<millis>& t) {
  return t ? json(iso8601(*t)) : json(nullptr);
}

// As a chat message's: [{emoji, count, account_ids}] in the order first given; none once removed.
json reactions_json(const std::vector<chat::reaction>& reactions, bool gone) {
  json out = json::array();
  if (gone) return out;
  for (const auto& r : reactions)
    out.push_back({{"emoji", r.emoji},
                   {"count", static_cast<std::int64_t>(r.account_ids.size())},
                   {"account_ids", r.account_ids}});
  return out;
}

// Who the stored HTML mentions (nobody once removed).
mentions::found mentioned(const std::string& html, bool gone) {
  return gone ? mentions::found{} : mentions::mentions_of_stored(html);
}

}  // namespace

json to_shared_json(const post& p) {
  const bool gone = p.deleted_at.has_value();
  return {{"id", p.id},
          {"channel_id", p.channel_id},
          {"author", {{"id", p.author_id}, {"display_name", p.author_name}}},
          {"title", gone || !p.title ? json(nullptr) : json(*p.title)},
          {"body", gone ? "" : p.body},
          {"html", gone ? "" : p.html},
          {"created_at", iso8601(p.created_at)},
          {"edited_at", time_or_null(p.edited_at)},
          {"deleted", gone},
          {"pinned", p.pinned_at.has_value()},
          {"pin_order", p.pin_order ? json(*p.pin_order) : json(nullptr)},
          {"locked", p.locked_at.has_value()},
          {"comment_count", p.comment_count},
          {"last_activity_at", iso8601(p.last_activity_at)},
          {"reactions", reactions_json(p.reactions, gone)},
          {"files", gone ? json::array() : files::to_json(p.files)},
          {"mentions", mentioned(p.html, gone).members},
          {"mention_everyone", mentioned(p.html, gone).everyone},
          {"mention_here", mentioned(p.html, gone).here}};
}

json to_json(const post& p) {
  json out = to_shared_json(p);
  out["new_comments"] = p.new_comments;
  out["visited"] = p.visited;
  return out;
}

json to_json(const comment& c) {
  const bool gone = c.deleted_at.has_value();
  return {{"id", c.id},
          {"post_id", c.post_id},
          {"author", {{"id", c.author_id}, {"display_name", c.author_name}}},
          {"parent_id", c.parent_id ? json(*c.parent_id) : json(nullptr)},
          {"body", gone ? "" : c.body},
          {"html", gone ? "" : c.html},
          {"created_at", iso8601(c.created_at)},
          {"edited_at", time_or_null(c.edited_at)},
          {"deleted", gone},
          {"reactions", reactions_json(c.reactions, gone)},
          {"files", gone ? json::array() : files::to_json(c.files)},
          {"mentions", mentioned(c.html, gone).members},
          {"mention_everyone", mentioned(c.html, gone).everyone},
          {"mention_here", mentioned(c.html, gone).here}};
}

}  // namespace ps::board
