#include "notifications/events.hpp"

#include <charconv>

#include "core/json_writer.hpp"
#include "notifications/store.hpp"

namespace ps::notifications {

namespace {

void head(const realtime::logged_event& e, json_text::object_writer& w) {
  w.field("type", e.type).field("community_id", e.community_id).field("pos", e.pos);
}

std::optional<std::string> replay_created(db::session& s, const realtime::logged_event& e) {
  if (!e.subject_id) return std::nullopt;
  auto n = store::by_id(s, *e.subject_id);
  if (!n) return std::nullopt;  // its item was deleted
  return created_event_json(e, *n);
}

}  // namespace

void add_event_types(realtime::event_catalog& catalog) {
  catalog.add("notification.created", replay_created);
  catalog.add("notifications.changed",
              [](db::session&, const realtime::logged_event& e) -> std::optional<std::string> {
                return changed_event_json(e);
              });
  catalog.add("notification.read",
              [](db::session&, const realtime::logged_event& e) -> std::optional<std::string> {
                return read_event_json(e);
              });
}

std::string created_event_json(const realtime::logged_event& e, const notification& n) {
  std::string out;
  json_text::object_writer w(out);
  head(e, w);
  w.raw_field("notification") += to_json(n);
  w.close();
  return out;
}

std::string changed_event_json(const realtime::logged_event& e) {
  std::string out;
  json_text::object_writer w(out);
  head(e, w);
  w.field("channel_id", e.channel_id.value_or(0));
  w.close();
  return out;
}

std::string read_event_json(const realtime::logged_event& e) {
  std::string out;
  json_text::object_writer w(out);
  head(e, w);
  if (e.detail == "all") {
    w.field("all", true);
  } else {
    std::string& ids = w.raw_field("ids");
    ids += '[';
    bool first = true;
    for (std::size_t at = 0; at < e.detail.size();) {
      const auto comma = std::min(e.detail.find(',', at), e.detail.size());
      std::int64_t id = 0;
      std::from_chars(e.detail.data() + at, e.detail.data() + comma, id);
      if (!first) ids += ',';
      first = false;
      json_text::append_integer(ids, id);
      at = comma + 1;
    }
    ids += ']';
  }
  w.close();
  return out;
}

}  // namespace ps::notifications
