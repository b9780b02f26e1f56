#include "chat/model.hpp"

#include <nlohmann/json.hpp>

namespace ps::chat {

using nlohmann::json;

json to_shared_json(const channel& c) {
  return {{"id", c.id},
          {"community_id", c.community_id},
          {"name", c.name},
          {"kind", c.kind},
          {"archived", c.archived_at.has_value()},
          {"last_seq", c.last_seq},
          {"created_at", iso8601(c.created_at)}};
}

json to_json(const channel& c) {
  json out = to_shared_json(c);
  out["last_read_seq"] = c.last_read_seq;
  out["unread"] = c.unread;
  return out;
}

json to_json(const message& m) {
  const bool deleted = m.deleted_at.has_value();
  json reactions = json::array();
  if (!deleted)
    for (const auto& r : m.reactions)
      reactions.push_back({{"emoji", r.emoji}, {"count", r.account_ids.size()}, {"account_ids", r.account_ids}});
  return {{"id", m.id},
          {"seq", m.seq},
          {"channel_id", m.channel_id},
          {"author", {{"id", m.author_id}, {"display_name", m.author_name}}},
          {"body", deleted ? std::string() : m.body},
          {"html", deleted ? std::string() : m.html},
          {"created_at", iso8601(m.created_at)},
          {"edited_at", m.edited_at ? json(iso8601(*m.edited_at)) : json()},
          {"deleted", deleted},
          {"parent_id", m.parent_id ? json(*m.parent_id) : json()},
          {"reply_count", m.reply_count},
          {"client_id", m.client_id ? json(*m.client_id) : json()},
          {"reactions", reactions}};
}

}  // namespace ps::chat
