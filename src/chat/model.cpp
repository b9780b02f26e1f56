#include "chat/model.hpp"

#include <nlohmann/json.hpp>

#include "core/json_writer.hpp"
#include "mentions/markup.hpp"

namespace ps::chat {

using nlohmann::json;

json to_shared_json(const channel& c) {
  return {{"id", c.id},
          {"community_id", c.community_id},
          {"name", c.name},
          {"kind", c.kind},
          {"visibility", c.visibility},
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

void append_json(std::string& out, const message& m) {
  const bool deleted = m.deleted_at.has_value();
  json_text::object_writer w(out);
  w.field("id", m.id).field("seq", m.seq).field("channel_id", m.channel_id);
  {
    json_text::object_writer author(w.raw_field("author"));
    author.field("id", m.author_id).field("display_name", m.author_name).close();
  }
  w.field("body", deleted ? std::string_view() : std::string_view(m.body))
      .field("html", deleted ? std::string_view() : std::string_view(m.html))
      .field("created_at", iso8601(m.created_at));
  if (m.edited_at)
    w.field("edited_at", iso8601(*m.edited_at));
  else
    w.null_field("edited_at");
  w.field("deleted", deleted).field("parent_id", m.parent_id).field("reply_count", m.reply_count);
  w.field("client_id", m.client_id);
  std::string& list = w.raw_field("reactions");
  list += '[';
  if (!deleted) {
    bool first = true;
    for (const auto& r : m.reactions) {
      if (!first) list += ',';
      first = false;
      json_text::object_writer one(list);
      one.field("emoji", r.emoji).field("count", static_cast<std::int64_t>(r.account_ids.size()));
      std::string& ids = one.raw_field("account_ids");
      ids += '[';
      for (std::size_t k = 0; k < r.account_ids.size(); ++k) {
        if (k) ids += ',';
        json_text::append_integer(ids, r.account_ids[k]);
      }
      ids += ']';
      one.close();
    }
  }
  list += ']';
  std::string& files = w.raw_field("files");
  if (deleted)
    files += "[]";
  else
    files::append_json(files, m.files);
  const auto mentioned = deleted ? mentions::found{} : mentions::mentions_of_stored(m.html);
  std::string& ids = w.raw_field("mentions");
  ids += '[';
  for (std::size_t k = 0; k < mentioned.members.size(); ++k) {
    if (k) ids += ',';
    json_text::append_integer(ids, mentioned.members[k]);
  }
  ids += ']';
  w.field("mention_everyone", mentioned.everyone).field("mention_here", mentioned.here);
  w.close();
}

std::string to_json_text(const message& m) {
  std::string out;
  out.reserve(512 + m.body.size() + m.html.size());
  append_json(out, m);
  return out;
}

std::string message_list_json(std::string_view key, const std::vector<message>& messages) {
  std::string out;
  std::size_t size = 64;
  for (const auto& m : messages) size += 400 + m.body.size() + m.html.size();
  out.reserve(size);
  json_text::object_writer w(out);
  std::string& list = w.raw_field(key);
  list += '[';
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (i) list += ',';
    append_json(list, messages[i]);
  }
  list += ']';
  w.close();
  return out;
}

std::string message_event_json(std::string_view type, std::int64_t community_id, std::int64_t pos,
                               const message& m) {
  std::string out;
  out.reserve(600 + m.body.size() + m.html.size());
  json_text::object_writer w(out);
  w.field("type", type).field("community_id", community_id).field("pos", pos);
  w.field("channel_id", m.channel_id).field("seq", m.seq);
  append_json(w.raw_field("message"), m);
  w.close();
  return out;
}

}  // namespace ps::chat
