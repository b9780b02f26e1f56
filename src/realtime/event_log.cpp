#include "realtime/event_log.hpp"

#include <fmt/format.h>

#include "realtime/log_store.hpp"
#include "realtime/ordering.hpp"

namespace ps::realtime {

namespace {

// After the community's positions FROM..TO are written: the other nodes read them back from the
// log once this commits (realtime/relay.hpp), and the log is pruned as it grows, in the same
// transaction, a thousand rows at a time: no timer, and the cost is spread evenly over the
// writes that made it.
void after_appending(db::transaction& tx, std::int64_t community_id, std::int64_t from,
                     std::int64_t to) {
  if (tx.announcing()) tx.announce(announce_events(community_id, from, to));
  const std::int64_t thousand = to / 1000 * 1000;
  if (thousand >= from && thousand > retained_events)
    log_store::forget_up_to(tx, community_id, thousand - retained_events);
}

}  // namespace

std::int64_t append(db::transaction& tx, logged_event& e) {
  e.pos = log_store::next_pos(tx, e.community_id);
  log_store::insert(tx, e);
  after_appending(tx, e.community_id, e.pos, e.pos);
  return e.pos;
}

void append_all(db::transaction& tx, std::span<logged_event> events) {
  if (events.empty()) return;
  std::map<std::int64_t, std::int64_t> counts;
  for (const auto& e : events) ++counts[e.community_id];
  auto last = log_store::take_positions(tx, counts);
  std::map<std::int64_t, std::int64_t> next;  // community -> next position to give
  for (auto [community_id, count] : counts) next[community_id] = last.at(community_id) - count + 1;
  for (auto& e : events) e.pos = next[e.community_id]++;
  log_store::insert_many(tx, events);
  for (auto [community_id, count] : counts)
    after_appending(tx, community_id, last.at(community_id) - count + 1, last.at(community_id));
}

void event_catalog::add(std::string type, replay_renderer render) {
  renderers_.insert_or_assign(std::move(type), std::move(render));
}

const replay_renderer* event_catalog::find(std::string_view type) const {
  auto it = renderers_.find(type);
  return it == renderers_.end() ? nullptr : &it->second;
}

std::string announce_events(std::int64_t community_id, std::int64_t from, std::int64_t to) {
  return fmt::format("e {} {} {}", community_id, from, to);
}

frame_ptr logged_frame(std::string text, const logged_event& e, std::int64_t seq) {
  return make_frame(std::move(text), e.channel_id.value_or(0), seq, e.community_id, e.pos);
}

void publish_after_commit(db::transaction& tx, hub& to, access::audience audience,
                          frame_ptr frame) {
  tx.after_commit([&to, audience = std::move(audience), frame = std::move(frame)] {
    publish(to, audience, frame);
  });
}

void deliver(hub& to, const access::audience& audience, const frame_ptr& frame) {
  if (audience.only)
    to.publish_to_accounts(*audience.only, frame);
  else
    to.publish_to_community(audience.community_id, frame);
}

void publish(hub& to, const access::audience& audience, const frame_ptr& frame) {
  if (frame->pos > 0 && to.order())
    to.order()->offer(frame->community_id, frame->pos,
                      [&to, audience, frame] { deliver(to, audience, frame); });
  else
    deliver(to, audience, frame);
}

}  // namespace ps::realtime
