#include "chat/events.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "chat/store.hpp"
#include "core/json_writer.hpp"
#include "realtime/events.hpp"

namespace ps::chat {
namespace {

using nlohmann::json;

std::optional<message> current_message(db::session& s, const realtime::logged_event& e) {
  if (!e.subject_id) return std::nullopt;
  auto m = store::message_by_id(s, *e.subject_id);
  if (!m) return std::nullopt;
  std::vector<message> one{std::move(*m)};
  store::with_extras(s, one);
  return std::move(one.front());
}

std::optional<std::string> replay_message(db::session& s, const realtime::logged_event& e) {
  auto m = current_message(s, e);
  if (!m) return std::nullopt;
  return message_event_json(e.type, e.community_id, e.pos, *m);
}

std::optional<std::string> replay_deleted(db::session& s, const realtime::logged_event& e) {
  auto m = current_message(s, e);
  if (!m) return std::nullopt;
  return deleted_event_json(e, *m);
}

std::optional<std::string> replay_reaction(db::session& s, const realtime::logged_event& e) {
  auto m = current_message(s, e);
  if (!m) return std::nullopt;
  return reaction_event_json(e, *m);
}

std::optional<std::string> replay_channel(db::session& s, const realtime::logged_event& e) {
  if (!e.channel_id) return std::nullopt;
  auto c = store::channel_by_id(s, *e.channel_id);
  if (!c) return std::nullopt;
  return channel_event_json(e.type, e, *c);
}

std::optional<std::string> replay_read(db::session&, const realtime::logged_event& e) {
  std::int64_t seq = 0;
  std::from_chars(e.detail.data(), e.detail.data() + e.detail.size(), seq);
  return read_event_json(e, seq);
}

}  // namespace

void add_event_types(realtime::event_catalog& catalog) {
  for (const char* type : {"message.created", "message.edited"}) catalog.add(type, replay_message);
  catalog.add("message.deleted", replay_deleted);
  for (const char* type : {"reaction.added", "reaction.removed"})
    catalog.add(type, replay_reaction);
  for (const char* type :
       {"channel.created", "channel.renamed", "channel.archived", "channel.unarchived"})
    catalog.add(type, replay_channel);
  catalog.add("channel.read", replay_read);
}

std::string channel_event_json(std::string_view type, const realtime::logged_event& e,
                               const channel& c) {
  return realtime::event_text({{"type", type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"channel", to_shared_json(c)}});
}

std::string deleted_event_json(const realtime::logged_event& e, const message& m) {
  return realtime::event_text({{"type", "message.deleted"},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"channel_id", m.channel_id},
                               {"seq", m.seq},
                               {"message_id", m.id}});
}

std::string reaction_event_json(const realtime::logged_event& e, const message& m) {
  std::string out;
  json_text::object_writer w(out);
  w.field("type", e.type).field("community_id", e.community_id).field("pos", e.pos);
  w.field("channel_id", m.channel_id).field("message_id", m.id).field("emoji", e.detail);
  w.field("account_id", e.actor_id.value_or(0));
  append_json(w.raw_field("message"), m);
  w.close();
  return out;
}

std::string read_event_json(const realtime::logged_event& e, std::int64_t last_read_seq) {
  return realtime::event_text({{"type", "channel.read"},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"channel_id", e.channel_id.value_or(0)},
                               {"last_read_seq", last_read_seq}});
}

}  // namespace ps::chat
