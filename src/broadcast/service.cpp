#include "broadcast/service.hpp"

#include <algorithm>
#include <set>

#include "access/policy.hpp"
#include "broadcast/errors.hpp"
#include "broadcast/events.hpp"
#include "broadcast/store.hpp"
#include "chat/errors.hpp"
#include "chat/service.hpp"
#include "chat/store.hpp"
#include "communities/store.hpp"
#include "core/checked_text.hpp"
#include "core/instants.hpp"
#include "notifications/notify.hpp"
#include "realtime/event_log.hpp"

namespace ps::broadcast {
namespace {

view view_for(const poll& p, const access::channel_ref& where, std::int64_t reader) {
  view v;
  for (const auto& o : p.options)  // the options in their order, as every vote is read with them
    if (std::ranges::find(o.voters, reader) != o.voters.end()) v.mine.push_back(o.id);
  v.results = where.is_host() || !v.mine.empty();
  v.names = where.is_host() && !p.anonymous;
  return v;
}

void record(app& app, db::transaction& tx, const chat::channel& room, const char* type,
            const poll& p, millis now) {
  realtime::logged_event e;
  e.community_id = room.community_id;
  e.type = type;
  e.channel_id = room.id;
  e.subject_id = p.id;
  e.created_at = now;
  realtime::append(tx, e);
  realtime::publish_after_commit(tx, app.hub, access::audience_of(tx, room),
                                 realtime::logged_frame(poll_event_json(type, e, p, now), e));
}

struct poll_in_room {
  poll p;
  access::channel_ref where;
};
result<poll_in_room> poll_for(db::session& s, const caller& who, std::int64_t poll_id) {
  auto p = store::poll_by_id(s, poll_id);
  if (!p) return errors::not_found("poll");
  auto where = access::channel_for(s, who, p->channel_id);
  if (!where) return errors::not_found("poll");
  return poll_in_room{std::move(*p), std::move(*where)};
}

}  // namespace

result<shown> create_poll(app& app, const caller& who, std::int64_t channel_id,
                          const new_poll& input) {
  auto question = checked_line(input.question, "question", max_question_length);
  if (!question) return question.error();
  if (input.options.size() < min_options)
    return errors::invalid("options", field_problem::too_few, min_options);
  if (input.options.size() > max_options)
    return errors::invalid("options", field_problem::too_many, max_options);
  std::vector<std::string> options;
  for (const auto& raw : input.options) {
    auto o = checked_line(raw, "options", max_option_length);
    if (!o) return o.error();
    if (std::ranges::find(options, *o) != options.end())
      return errors::invalid("options", field_problem::not_allowed);
    options.push_back(*o);
  }
  return app.db.write([&](db::transaction& tx) -> result<shown> {
    auto where = access::channel_for(tx, who, channel_id);
    if (!where) return where.error();
    if (where->place.kind != chat::broadcast_kind) return errors::of(not_a_broadcast);
    if (!where->is_host()) return errors::forbidden();
    if (where->place.archived_at) return errors::of(chat::channel_archived);
    const millis now = app.clock.now();
    poll p;
    if (input.closes_at) {
      const auto community = communities::store::community_by_id(tx, where->place.community_id);
      const auto at = instant_of(*input.closes_at, community ? community->timezone : "UTC");
      if (!at) return errors::invalid("closes_at", field_problem::invalid_format);
      if (*at <= now) return errors::invalid("closes_at", field_problem::out_of_range);
      p.closes_at = *at;
    }
    auto m = chat::post_within(app, tx, who, channel_id, {*question, std::nullopt, std::nullopt});
    if (!m) return m.error();
    p.channel_id = channel_id;
    p.community_id = where->place.community_id;
    p.message_id = m->id;
    p.question = *question;
    p.multiple = input.multiple;
    p.anonymous = input.anonymous;
    p.created_at = now;
    p.id = store::insert_poll(tx, p, who.account_id);
    for (std::size_t i = 0; i < options.size(); ++i)
      store::insert_option(tx, p.id, static_cast<std::int64_t>(i), options[i]);
    p = *store::poll_by_id(tx, p.id);
    record(app, tx, where->place, "poll.created", p, now);
    return shown{p, view_for(p, *where, who.account_id)};
  });
}

result<shown> get_poll(app& app, const caller& who, std::int64_t poll_id) {
  return app.db.read([&](db::session& s) -> result<shown> {
    auto found = poll_for(s, who, poll_id);
    if (!found) return found.error();
    return shown{found->p, view_for(found->p, found->where, who.account_id)};
  });
}

result<std::vector<shown>> list_polls(app& app, const caller& who, std::int64_t channel_id) {
  return app.db.read([&](db::session& s) -> result<std::vector<shown>> {
    auto where = access::channel_for(s, who, channel_id);
    if (!where) return where.error();
    std::vector<shown> out;
    for (auto& p : store::polls_of(s, channel_id, max_listed_polls)) {
      auto v = view_for(p, *where, who.account_id);
      out.push_back({std::move(p), std::move(v)});
    }
    return out;
  });
}

result<shown> vote(app& app, const caller& who, std::int64_t poll_id,
                   const std::vector<std::int64_t>& option_ids) {
  if (option_ids.empty()) return errors::invalid("option_ids", field_problem::required);
  if (option_ids.size() > max_options)
    return errors::invalid("option_ids", field_problem::too_many, max_options);
  return app.db.write([&](db::transaction& tx) -> result<shown> {
    auto found = poll_for(tx, who, poll_id);
    if (!found) return found.error();
    const millis now = app.clock.now();
    if (found->p.closed(now)) return errors::of(poll_closed);
    if (found->where.place.archived_at) return errors::of(chat::channel_archived);
    std::set<std::int64_t> chosen(option_ids.begin(), option_ids.end());
    if (!found->p.multiple && chosen.size() != 1)
      return errors::invalid("option_ids", field_problem::too_many, 1);
    for (auto id : chosen)
      if (std::ranges::none_of(found->p.options, [&](const option& o) { return o.id == id; }))
        return errors::invalid("option_ids", field_problem::not_allowed);
    // The ballot first: it orders this person's votes, on every node.
    store::take_ballot(tx, poll_id, who.account_id, now);
    store::replace_choices(tx, poll_id, who.account_id, {chosen.begin(), chosen.end()});
    auto p = *store::poll_by_id(tx, poll_id);
    record(app, tx, found->where.place, "poll.voted", p, now);
    return shown{p, view_for(p, found->where, who.account_id)};
  });
}

outcome set_muted(app& app, const caller& who, std::int64_t channel_id, bool muted) {
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto where = access::channel_for(tx, who, channel_id);
    if (!where) return where.error();
    const millis now = app.clock.now();
    if (!store::set_muted(tx, channel_id, who.account_id, muted, now)) return done;  // already so
    realtime::logged_event e;
    e.community_id = where->place.community_id;
    e.type = muted ? "channel.muted" : "channel.unmuted";
    e.channel_id = channel_id;
    e.subject_id = channel_id;
    e.only_account_id = who.account_id;
    e.created_at = now;
    realtime::append(tx, e);
    realtime::publish_after_commit(tx, app.hub, access::just(e.community_id, who.account_id),
                                   realtime::logged_frame(mute_event_json(e, muted), e));
    return done;
  });
}

result<std::vector<std::int64_t>> muted_rooms(app& app, const caller& who,
                                              const std::string& slug) {
  return app.db.read([&](db::session& s) -> result<std::vector<std::int64_t>> {
    auto ref = access::community_for(s, who, slug);
    if (!ref) return ref.error();
    std::vector<std::int64_t> out;
    for (auto id : store::muted_rooms(s, ref->place.id, who.account_id))
      if (access::channel_for(s, who, id)) out.push_back(id);  // the policy says, not the query
    return out;
  });
}

int announce_closed(app& app) {
  int announced = 0;
  for (;;) {
    const millis now = app.clock.now();
    auto due = app.db.read([](db::session& s) { return store::next_closing(s); });
    if (!due || due->closes_at > now) return announced;
    app.db.write([&](db::transaction& tx) {
      if (!store::mark_closing_announced(tx, due->poll_id)) return;  // another node did
      auto p = store::poll_by_id(tx, due->poll_id);
      if (!p) return;  // its message was deleted: nothing to announce
      auto room = chat::store::channel_by_id(tx, p->channel_id);
      if (!room) return;
      record(app, tx, *room, "poll.closed", *p, now);
      // Those who voted are told it closed.
      notifications::written told;
      told.room = &*room;
      told.item_kind = "poll";
      told.item_id = p->id;
      told.excerpt = p->question;
      told.addressed = notifications::voters_of(tx, p->id);
      told.addressed_as = notifications::for_poll_closed;
      if (auto m = chat::store::message_by_id(tx, p->message_id)) told.seq = m->seq;
      notifications::notify(app, tx, told, now);
    });
    ++announced;
  }
}

}  // namespace ps::broadcast
