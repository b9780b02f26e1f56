#include "notifications/notify.hpp"

#include <algorithm>

#include "access/policy.hpp"
#include "communities/store.hpp"
#include "notifications/events.hpp"
#include "notifications/store.hpp"
#include "push/presence.hpp"
#include "push/store.hpp"
#include "realtime/event_log.hpp"

namespace ps::notifications {

namespace {

// When one item gives someone several reasons, the one told is the most personal.
int priority(std::string_view kind) {
  for (int i = 0; std::string_view k : {for_mention, for_reply, for_comment, for_poll_closed,
                                        for_direct, for_broadcast, for_message}) {
    if (k == kind) return i;
    ++i;
  }
  return 100;
}

const std::set<std::int64_t>& members_of(db::session& s, std::int64_t community_id,
                                         lookups& known) {
  auto it = known.members.find(community_id);
  if (it == known.members.end()) {
    auto ids = store::current_members(s, community_id);
    it = known.members.emplace(community_id, std::set<std::int64_t>(ids.begin(), ids.end())).first;
  }
  return it->second;
}

}  // namespace

void notify(app& app, db::transaction& tx, const written& w, millis at, lookups& known) {
  const chat::channel& room = *w.room;
  // Who may see the room now: its participants, or the community's members.
  const access::audience audience = access::audience_of(tx, room);
  std::set<std::int64_t> participants;
  if (audience.only) participants.insert(audience.only->begin(), audience.only->end());
  auto sees_room = [&](std::int64_t id) {
    return audience.only ? participants.contains(id)
                         : members_of(tx, room.community_id, known).contains(id);
  };

  std::map<std::int64_t, std::string_view> told;
  auto offer = [&](std::int64_t id, std::string_view kind) {
    if (w.actor_id && id == *w.actor_id) return;
    auto [it, fresh] = told.emplace(id, kind);
    if (!fresh && priority(kind) < priority(it->second)) it->second = kind;
  };
  auto everyone_in_room = [&]() -> std::vector<std::int64_t> {
    if (audience.only) return *audience.only;
    const auto& all = members_of(tx, room.community_id, known);
    return {all.begin(), all.end()};
  };

  // Mentions were checked against the room when written.
  for (auto id : w.mentioned.members) offer(id, for_mention);
  if (w.mentioned.everyone)
    for (auto id : everyone_in_room()) offer(id, for_mention);
  // @here: those in the room who are in the app now, on this node or another.
  if (w.mentioned.here && !w.mentioned.everyone) {
    const auto elsewhere = push::store::active_accounts(tx, at);
    for (auto id : everyone_in_room())
      if ((app.presence && app.presence->active(id)) || elsewhere.contains(id))
        offer(id, for_mention);
  }
  if (w.thread_parent)
    for (auto id : store::thread_authors(tx, *w.thread_parent)) offer(id, for_reply);
  for (auto id : w.addressed) offer(id, w.addressed_as);

  auto levels = known.levels.find(room.id);
  if (levels == known.levels.end())
    levels = known.levels.emplace(room.id, store::levels_in(tx, room.id)).first;
  if (w.new_in_room) {
    if (room.kind == "direct" || room.kind == "group")
      for (auto id : everyone_in_room()) offer(id, for_direct);
    else if (room.kind == "broadcast")
      for (auto id : everyone_in_room()) offer(id, for_broadcast);
    for (auto [id, chosen] : levels->second)
      if (chosen == level::all) offer(id, for_message);
  }
  if (told.empty()) return;

  auto muted = known.muted.find(room.id);
  if (muted == known.muted.end()) {
    auto ids = store::muted_in(tx, room.id);
    muted = known.muted.emplace(room.id, std::set<std::int64_t>(ids.begin(), ids.end())).first;
  }
  std::vector<store::new_row> rows;
  for (auto [id, kind] : told) {
    if (!sees_room(id)) continue;  // left since, or never could (a poll's voter removed)
    auto chosen = levels->second.find(id);
    const level l = muted->second.contains(id)       ? level::nothing
                    : chosen != levels->second.end() ? chosen->second
                                                     : default_level(room.kind);
    if (passes(l, kind)) rows.push_back({id, kind});
  }
  if (rows.empty()) return;

  const store::about what{room.community_id, room.id,   w.item_kind, w.item_id,
                          w.actor_id,        w.excerpt, at};
  const auto ids = store::insert(tx, what, rows);

  if (rows.size() > max_events_per_item) {
    realtime::logged_event e;
    e.community_id = room.community_id;
    e.type = "notifications.changed";
    e.channel_id = room.id;
    e.created_at = at;
    realtime::append(tx, e);
    realtime::publish_after_commit(tx, app.hub, audience,
                                   realtime::logged_frame(changed_event_json(e), e));
    return;
  }
  auto place = communities::store::community_by_id(tx, room.community_id);
  notification n;
  n.community_id = room.community_id;
  n.community_slug = place ? place->slug : "";
  n.community_name = place ? place->name : "";
  n.channel_id = room.id;
  n.channel_name = room.name;
  n.channel_kind = room.kind;
  n.item_kind = std::string(w.item_kind);
  n.item_id = w.item_id;
  n.seq = w.seq;
  n.parent_id = w.parent_id;
  n.post_id = w.post_id;
  n.actor_id = w.actor_id;
  n.actor_name = w.actor_name;
  n.excerpt = w.excerpt;
  n.created_at = at;
  std::vector<realtime::logged_event> events;
  std::vector<notification> shown;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!ids[i]) continue;  // told of it already
    realtime::logged_event e;
    e.community_id = room.community_id;
    e.type = "notification.created";
    e.channel_id = room.id;
    e.subject_id = *ids[i];
    e.actor_id = w.actor_id;
    e.only_account_id = rows[i].account_id;
    e.created_at = at;
    events.push_back(std::move(e));
    n.id = *ids[i];
    n.account_id = rows[i].account_id;
    n.kind = std::string(rows[i].kind);
    shown.push_back(n);
  }
  if (events.empty()) return;
  realtime::append_all(tx, events);
  for (std::size_t i = 0; i < events.size(); ++i)
    realtime::publish_after_commit(
        tx, app.hub, access::just(room.community_id, shown[i].account_id),
        realtime::logged_frame(created_event_json(events[i], shown[i]), events[i]));
}

void notify(app& app, db::transaction& tx, const written& w, millis at) {
  lookups known;
  notify(app, tx, w, at, known);
}

void forget(db::transaction& tx, std::string_view item_kind, std::int64_t item_id) {
  store::forget_item(tx, item_kind, item_id);
}

std::vector<std::int64_t> voters_of(db::session& s, std::int64_t poll_id) {
  return store::poll_voters(s, poll_id);
}

}  // namespace ps::notifications
