#include "conversations/service.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "access/policy.hpp"
#include "access/store.hpp"
#include "chat/events.hpp"
#include "chat/store.hpp"
#include "communities/store.hpp"
#include "conversations/errors.hpp"
#include "conversations/events.hpp"
#include "core/text.hpp"
#include "realtime/event_log.hpp"
#include "realtime/everywhere.hpp"

namespace ps::conversations {
namespace {

bool is_conversation(const chat::channel& c) {
  return c.kind == direct_kind || c.kind == group_kind;
}

std::string direct_key(std::int64_t a, std::int64_t b) {
  return fmt::format("{}:{}", std::min(a, b), std::max(a, b));
}

// The others named, once each, in the order given; refused when one is not a current member
// of the community or is the caller.
result<std::vector<std::int64_t>> others(db::session& s, std::int64_t community_id,
                                         const caller& who, const std::vector<std::int64_t>& ids) {
  std::vector<std::int64_t> out;
  for (auto id : ids) {
    if (id == who.account_id || std::ranges::find(out, id) != out.end()) continue;
    if (!communities::store::current_membership(s, community_id, id))
      return errors::invalid("member_ids", field_problem::not_allowed);
    out.push_back(id);
  }
  if (out.empty()) return errors::invalid("member_ids", field_problem::required);
  return out;
}

conversation read_conversation(db::session& s, std::int64_t channel_id, std::int64_t reader) {
  auto listed = chat::store::channel_for_reader(s, channel_id, reader);
  conversation c;
  c.room = listed->room;
  c.participants = store::participants_of(s, channel_id);
  c.last_activity = store::last_activity(s, c.room);
  return c;
}

// Logs that the conversation changed (created, someone added or gone); its participants (as
// they are now) hear of it after the commit.
void record_change(app& app, db::transaction& tx, const char* type, const chat::channel& room,
                   millis now) {
  realtime::logged_event e;
  e.community_id = room.community_id;
  e.type = type;
  e.channel_id = room.id;
  e.subject_id = room.id;
  e.created_at = now;
  realtime::append(tx, e);
  const auto people = store::participants_of(tx, room.id);
  realtime::publish_after_commit(
      tx, app.hub, access::audience_of(tx, room),
      realtime::logged_frame(conversation_event_json(type, e, room, people), e));
}

}  // namespace

std::int64_t open_direct_within(app& app, db::transaction& tx, std::int64_t community_id,
                                std::int64_t from, std::int64_t to) {
  const millis now = app.clock.now();
  const auto key = direct_key(from, to);
  if (auto existing = store::direct_channel(tx, community_id, key)) {
    // The same one every time: whoever of the two had left it is back in, with its history.
    const auto in = store::participants_of(tx, *existing);
    bool back = false;
    for (auto id : {from, to}) {
      if (std::ranges::any_of(in, [&](const store::person& p) { return p.id == id; })) continue;
      access::store::add_participant(tx, *existing, id, now);
      back = true;
    }
    if (back) {
      auto room = chat::store::channel_by_id(tx, *existing);
      record_change(app, tx, "conversation.changed", *room, now);
    }
    return *existing;
  }
  chat::channel room;
  room.community_id = community_id;
  room.kind = std::string(direct_kind);
  room.visibility = std::string(access::participants_only);
  room.created_at = now;
  room.id = chat::store::insert_channel(tx, room, from);
  store::set_direct_key(tx, room.id, key);
  access::store::add_participant(tx, room.id, from, now);
  access::store::add_participant(tx, room.id, to, now);
  record_change(app, tx, "conversation.created", room, now);
  return room.id;
}

result<started> start_conversation(app& app, const caller& who, const std::string& slug,
                                   const std::vector<std::int64_t>& member_ids,
                                   const std::optional<std::string>& raw_name) {
  if (member_ids.size() > max_group_size * 2)
    return errors::invalid("member_ids", field_problem::too_many, max_group_size - 1);
  std::string name;
  if (raw_name) {
    name = std::string(text::trim(*raw_name));
    if (text::utf8_length(name) > max_group_name)
      return errors::invalid("name", field_problem::too_long, max_group_name);
    if (auto bad = text::forbidden_in_name(name)) return errors::forbidden_character("name", *bad);
  }
  const millis now = app.clock.now();
  return app.db.write([&](db::transaction& tx) -> result<started> {
    auto ref = access::community_for(tx, who, slug);
    if (!ref) return ref.error();
    const auto community_id = ref->place.id;
    if (store::direct_messages_off(tx, community_id)) return errors::of(direct_messages_off);
    auto people = others(tx, community_id, who, member_ids);
    if (!people) return people.error();
    if (people->size() + 1 > max_group_size)
      return errors::invalid("member_ids", field_problem::too_many, max_group_size - 1);
    for (auto id : *people)
      if (store::known_only(tx, id) &&
          !store::share_a_conversation(tx, community_id, who.account_id, id))
        return errors::of(refuses_direct_messages);
    if (people->size() == 1) {
      const bool existed =
          store::direct_channel(tx, community_id, direct_key(who.account_id, people->front()))
              .has_value();
      const auto id = open_direct_within(app, tx, community_id, who.account_id, people->front());
      return started{read_conversation(tx, id, who.account_id), !existed};
    }
    chat::channel room;
    room.community_id = community_id;
    room.name = name;
    room.kind = std::string(group_kind);
    room.visibility = std::string(access::participants_only);
    room.created_at = now;
    room.id = chat::store::insert_channel(tx, room, who.account_id);
    access::store::add_participant(tx, room.id, who.account_id, now);
    for (auto id : *people) access::store::add_participant(tx, room.id, id, now);
    record_change(app, tx, "conversation.created", room, now);
    return started{read_conversation(tx, room.id, who.account_id), true};
  });
}

result<std::vector<conversation>> list_conversations(app& app, const caller& who,
                                                     const std::string& slug) {
  return app.db.read([&](db::session& s) -> result<std::vector<conversation>> {
    auto ref = access::community_for(s, who, slug);
    if (!ref) return ref.error();
    std::vector<conversation> out;
    for (auto id : store::conversation_ids(s, ref->place.id, who.account_id)) {
      if (!access::channel_for(s, who, id)) continue;  // the policy says, not the query
      out.push_back(read_conversation(s, id, who.account_id));
    }
    std::ranges::stable_sort(out, [](const conversation& a, const conversation& b) {
      return a.last_activity > b.last_activity;
    });
    return out;
  });
}

result<conversation> add_participants(app& app, const caller& who, std::int64_t channel_id,
                                      const std::vector<std::int64_t>& member_ids) {
  if (member_ids.size() > max_group_size)
    return errors::invalid("member_ids", field_problem::too_many, max_group_size - 1);
  const millis now = app.clock.now();
  return app.db.write([&](db::transaction& tx) -> result<conversation> {
    auto ref = access::channel_for(tx, who, channel_id);
    if (!ref || !is_conversation(ref->place)) return errors::not_found("channel");
    if (ref->place.kind == direct_kind) return errors::of(direct_is_two);
    auto people = others(tx, ref->place.community_id, who, member_ids);
    if (!people) return people.error();
    const auto current = store::participants_of(tx, channel_id);
    std::vector<std::int64_t> added;
    for (auto id : *people)
      if (std::ranges::none_of(current, [&](const store::person& p) { return p.id == id; }))
        added.push_back(id);
    if (current.size() + added.size() > max_group_size)
      return errors::invalid("member_ids", field_problem::too_many, max_group_size - 1);
    for (auto id : added)
      if (store::known_only(tx, id) &&
          !store::share_a_conversation(tx, ref->place.community_id, who.account_id, id))
        return errors::of(refuses_direct_messages);
    if (added.empty()) return read_conversation(tx, channel_id, who.account_id);
    for (auto id : added) access::store::add_participant(tx, channel_id, id, now);
    record_change(app, tx, "conversation.changed", ref->place, now);
    return read_conversation(tx, channel_id, who.account_id);
  });
}

outcome leave_conversation(app& app, const caller& who, std::int64_t channel_id) {
  const millis now = app.clock.now();
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto ref = access::channel_for(tx, who, channel_id);
    if (!ref || !is_conversation(ref->place)) return errors::not_found("channel");
    store::remove_participant(tx, channel_id, who.account_id);
    record_change(app, tx, "conversation.changed", ref->place, now);
    // What the account may see shrank: its live connections (on every node) reconnect, and
    // whatever remembers its access forgets it.
    realtime::everywhere::reconnect_account_streams(tx, app.hub, who.account_id);
    return done;
  });
}

result<settings> settings_of(app& app, const caller& who, const std::string& slug) {
  return app.db.read([&](db::session& s) -> result<settings> {
    auto ref = access::community_for(s, who, slug);
    if (!ref) return ref.error();
    return settings{!store::direct_messages_off(s, ref->place.id),
                    store::known_only(s, who.account_id)};
  });
}

result<settings> change_settings(app& app, const caller& who, const std::string& slug,
                                 std::optional<bool> direct_messages,
                                 std::optional<bool> from_known_only) {
  return app.db.write([&](db::transaction& tx) -> result<settings> {
    auto ref = access::community_for(tx, who, slug);
    if (!ref) return ref.error();
    if (direct_messages) {
      if (!ref->is_host()) return errors::forbidden();
      store::set_direct_messages_off(tx, ref->place.id, !*direct_messages);
    }
    if (from_known_only) store::set_known_only(tx, who.account_id, *from_known_only);
    return settings{!store::direct_messages_off(tx, ref->place.id),
                    store::known_only(tx, who.account_id)};
  });
}

}  // namespace ps::conversations
