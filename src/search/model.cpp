#include "search/model.hpp"

#include "core/json_writer.hpp"

namespace ps::search {

namespace {

void append_hit(std::string& out, const hit& h) {
  json_text::object_writer w(out);
  w.field("kind", h.kind).field("id", h.id).field("channel_id", h.channel_id);
  w.field("snippet", h.snippet).field("created_at", iso8601(h.created_at));
  {
    json_text::object_writer a(w.raw_field("author"));
    a.field("id", h.author_id).field("name", h.author_name);
    a.close();
  }
  if (h.seq) w.field("seq", *h.seq);
  if (h.parent_id) w.field("parent_id", *h.parent_id);
  if (h.post_id) w.field("post_id", *h.post_id);
  if (h.title) w.field("title", *h.title);
  if (h.item_kind) w.field("item_kind", *h.item_kind);
  if (h.item_id) w.field("item_id", *h.item_id);
  if (h.file) files::append_json(w.raw_field("file"), *h.file);
  w.close();
}

}  // namespace

std::string to_json(const page& p) {
  std::string out;
  json_text::object_writer w(out);
  {
    std::string& list = w.raw_field("results");
    list += '[';
    for (std::size_t i = 0; i < p.results.size(); ++i) {
      if (i) list += ',';
      append_hit(list, p.results[i]);
    }
    list += ']';
  }
  {
    std::string& list = w.raw_field("channels");
    list += '[';
    for (std::size_t i = 0; i < p.rooms.size(); ++i) {
      if (i) list += ',';
      json_text::object_writer r(list);
      r.field("id", p.rooms[i].id).field("name", p.rooms[i].name).field("kind", p.rooms[i].kind);
      r.close();
    }
    list += ']';
  }
  if (p.next_offset) w.field("next_offset", static_cast<std::int64_t>(*p.next_offset));
  w.close();
  return out;
}

}  // namespace ps::search
