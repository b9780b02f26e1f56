#include "notifications/service.hpp"

#include <algorithm>
#include <map>

#include "access/policy.hpp"
#include "notifications/events.hpp"
#include "notifications/store.hpp"
#include "realtime/event_log.hpp"

namespace ps::notifications {

namespace {

// Unread, in the rooms the caller may still see.
std::int64_t unread_of(db::session& s, const caller& who) {
  access::room_filter visible(s, who);
  std::int64_t n = 0;
  for (auto [room, count] : store::unread_by_room(s, who.account_id))
    if (visible.may_see(room)) n += count;
  return n;
}

// notification.read in each community that had some, for the caller's other connections.
void tell_read(app& app, db::transaction& tx, const caller& who,
               const std::map<std::int64_t, std::string>& detail_by_community, millis at) {
  for (const auto& [community, detail] : detail_by_community) {
    realtime::logged_event e;
    e.community_id = community;
    e.type = "notification.read";
    e.only_account_id = who.account_id;
    e.detail = detail;
    e.created_at = at;
    realtime::append(tx, e);
    realtime::publish_after_commit(tx, app.hub, access::just(community, who.account_id),
                                   realtime::logged_frame(read_event_json(e), e));
  }
}

}  // namespace

result<listing> list(app& app, const caller& who, std::optional<std::int64_t> before, int limit) {
  if (limit < 1 || limit > max_page)
    return errors::invalid("limit", field_problem::out_of_range, max_page);
  return app.db.read([&](db::session& s) -> result<listing> {
    listing out;
    access::room_filter visible(s, who);
    // Read past the ones the caller may not see any more, a page's worth at a time.
    std::optional<std::int64_t> from = before;
    for (int pages = 0; pages < 10 && static_cast<int>(out.items.size()) < limit; ++pages) {
      auto page = store::page_of(s, who.account_id, from, limit + 1);
      if (page.empty()) break;
      for (auto& n : page) {
        from = n.id;
        if (!visible.may_see(n.channel_id)) continue;
        if (static_cast<int>(out.items.size()) == limit) {
          out.next_before = out.items.back().id;
          break;
        }
        out.items.push_back(std::move(n));
      }
      if (out.next_before || static_cast<int>(page.size()) <= limit) break;
    }
    out.unread = unread_of(s, who);
    return out;
  });
}

result<std::int64_t> mark_read(app& app, const caller& who,
                               const std::optional<std::vector<std::int64_t>>& ids) {
  if (ids && ids->size() > max_ids_per_read)
    return errors::invalid("ids", field_problem::too_many, max_ids_per_read);
  const millis now = app.clock.now();
  auto written = app.db.write([&](db::transaction& tx) -> result<int> {
    std::map<std::int64_t, std::string> detail;
    if (ids) {
      for (const auto& m : store::mark_read(tx, who.account_id, *ids, now)) {
        auto& d = detail[m.community_id];
        if (!d.empty()) d += ',';
        d += std::to_string(m.id);
      }
    } else {
      for (auto community : store::mark_all_read(tx, who.account_id, now))
        detail[community] = "all";
    }
    tell_read(app, tx, who, detail, now);
    return 0;
  });
  if (!written) return written.error();
  return app.db.read([&](db::session& s) { return unread_of(s, who); });
}

namespace {

room_level level_for(const std::string& room_kind, std::optional<level> chosen) {
  const level usual = default_level(room_kind);
  return room_level{chosen.value_or(usual), usual, !chosen.has_value()};
}

}  // namespace

result<room_level> level_in(app& app, const caller& who, std::int64_t channel_id) {
  return app.db.read([&](db::session& s) -> result<room_level> {
    auto room = access::channel_for(s, who, channel_id);
    if (!room) return room.error();
    return level_for(room->place.kind, store::level_of(s, who.account_id, channel_id));
  });
}

result<room_level> choose_level(app& app, const caller& who, std::int64_t channel_id,
                                std::optional<level> chosen) {
  return app.db.write([&](db::transaction& tx) -> result<room_level> {
    auto room = access::channel_for(tx, who, channel_id);
    if (!room) return room.error();
    store::set_level(tx, who.account_id, channel_id, chosen);
    return level_for(room->place.kind, chosen);
  });
}

settings settings_for(app& app, const caller& who) {
  return app.db.read([&](db::session& s) { return store::settings_of(s, who.account_id); })
      .value_or(settings{});
}

result<settings> change_settings(app& app, const caller& who, const nlohmann::json& body) {
  return app.db.write([&](db::transaction& tx) -> result<settings> {
    auto chosen = updated(store::settings_of(tx, who.account_id).value_or(settings{}), body);
    if (!chosen) return chosen.error();
    store::save_settings(tx, who.account_id, *chosen);
    return chosen;
  });
}

}  // namespace ps::notifications
