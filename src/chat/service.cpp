#include "chat/service.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "access/store.hpp"
#include "chat/errors.hpp"
#include "chat/events.hpp"
#include "chat/history_cache.hpp"
#include "chat/posting.hpp"
#include "chat/service_parts.hpp"
#include "chat/store.hpp"
#include "communities/store.hpp"
#include "core/emoji.hpp"
#include "core/json_writer.hpp"
#include "core/text.hpp"
#include "files/service.hpp"
#include "markdown/markdown.hpp"
#include "mentions/service.hpp"
#include "notifications/notify.hpp"
#include "realtime/event_log.hpp"

namespace ps::chat {

result<std::string> check_body(const std::string& raw) {
  const std::string body(text::trim(raw));
  if (body.empty()) return errors::invalid("body", field_problem::required);
  if (text::utf8_length(body) > max_body_length)
    return errors::invalid("body", field_problem::too_long, max_body_length);
  if (auto bad = text::forbidden_in_text(body)) return errors::forbidden_character("body", *bad);
  return body;
}

result<std::string> check_body_beside_files(const std::string& raw) {
  if (text::trim(raw).empty()) return std::string();
  return check_body(raw);
}

realtime::logged_event log_event(const channel& room, std::string type,
                                 std::optional<std::int64_t> subject, millis now) {
  realtime::logged_event e;
  e.community_id = room.community_id;
  e.type = std::move(type);
  e.channel_id = room.id;
  e.subject_id = subject;
  e.created_at = now;
  return e;
}

namespace {

using nlohmann::json;

result<std::string> check_channel_name(const std::string& raw) {
  const std::string name(text::trim(raw));
  if (name.empty()) return errors::invalid("name", field_problem::required);
  if (text::utf8_length(name) > 80) return errors::invalid("name", field_problem::too_long, 80);
  if (auto bad = text::forbidden_in_name(name)) return errors::forbidden_character("name", *bad);
  return name;
}

void record_channel_event(app& app, db::transaction& tx, const char* type, const channel& c) {
  record(app, tx, c, log_event(c, type, c.id, app.clock.now()),
         [&](const realtime::logged_event& e) { return channel_event_json(type, e, c); });
}

// Loads a message the caller may act on, with its channel.
struct message_ref {
  message msg;
  channel_ref where;
};

result<message_ref> access_message(db::session& s, const caller& who, std::int64_t message_id) {
  auto msg = store::message_by_id(s, message_id);
  if (!msg) return errors::not_found("message");
  auto where = access::channel_for(s, who, msg->channel_id);
  if (!where) return errors::not_found("message");
  return message_ref{std::move(*msg), std::move(*where)};
}

message reload(db::session& s, std::int64_t id) {
  std::vector<message> one{*store::message_by_id(s, id)};
  store::with_extras(s, one);
  return std::move(one.front());
}

}  // namespace

result<channel> create_channel(app& app, const caller& who, const std::string& slug,
                               const std::string& raw_name, const std::string& kind,
                               const std::vector<std::int64_t>& participants) {
  auto name = check_channel_name(raw_name);
  if (!name) return name.error();
  // A room only its participants see exists for tests of the access policy until private rooms
  // come (test_room_kinds, never set in production).
  const bool private_room = kind == test_private_kind && app.cfg.test_room_kinds;
  if (kind != "chat" && kind != board_kind && kind != broadcast_kind && !private_room)
    return errors::invalid("kind", field_problem::not_allowed);
  if (!private_room && !participants.empty())
    return errors::invalid("participants", field_problem::not_allowed);
  if (participants.size() > max_participants)
    return errors::invalid("participants", field_problem::too_long, max_participants);
  return app.db.write([&](db::transaction& tx) -> result<channel> {
    auto ref = access::community_for(tx, who, slug);
    if (!ref) return ref.error();
    if (!ref->is_host()) return errors::forbidden();
    channel c;
    c.community_id = ref->place.id;
    c.name = *name;
    c.kind = kind;
    c.visibility = private_room ? access::participants_only : access::everyone_in_community;
    c.created_at = app.clock.now();
    c.id = store::insert_channel(tx, c, who.account_id);
    if (private_room) {
      access::store::add_participant(tx, c.id, who.account_id, c.created_at);
      for (auto id : participants) {
        if (!communities::store::current_membership(tx, c.community_id, id))
          return errors::invalid("participants", field_problem::not_allowed);
        access::store::add_participant(tx, c.id, id, c.created_at);
      }
    }
    record_channel_event(app, tx, "channel.created", c);
    return c;
  });
}

result<message> post_within(app& app, db::transaction& tx, const caller& who,
                            std::int64_t channel_id, const new_message& input) {
  auto pending = posting::prepare(app, who, channel_id, input);
  if (!pending) return pending.error();
  return (*pending)->write_alone(tx);
}

result<std::vector<channel>> list_channels(app& app, const caller& who, const std::string& slug) {
  return app.db.read([&](db::session& s) -> result<std::vector<channel>> {
    auto ref = access::community_for(s, who, slug);
    if (!ref) return ref.error();
    std::vector<channel> out;
    for (auto& listed : store::channels_for_reader(s, ref->place.id, who.account_id)) {
      // Conversations have their own list (GET …/conversations).
      if (listed.room.kind == direct_kind || listed.room.kind == group_kind) continue;
      if (access::may_see(listed.room, listed.participant)) out.push_back(std::move(listed.room));
    }
    return out;
  });
}

result<channel> update_channel(app& app, const caller& who, std::int64_t channel_id,
                               const std::optional<std::string>& raw_name,
                               const std::optional<bool>& archived) {
  std::optional<std::string> name;
  if (raw_name) {
    auto checked = check_channel_name(*raw_name);
    if (!checked) return checked.error();
    name = *checked;
  }
  return app.db.write([&](db::transaction& tx) -> result<channel> {
    auto ref = access::channel_for(tx, who, channel_id);
    if (!ref) return ref.error();
    if (!ref->is_host()) return errors::forbidden();
    channel c = ref->place;
    if (name && *name != c.name) {
      store::rename_channel(tx, c.id, *name);
      c.name = *name;
      record_channel_event(app, tx, "channel.renamed", c);
    }
    if (archived && *archived != c.archived_at.has_value()) {
      c.archived_at = *archived ? std::optional<millis>(app.clock.now()) : std::nullopt;
      store::set_archived(tx, c.id, c.archived_at);
      record_channel_event(app, tx, *archived ? "channel.archived" : "channel.unarchived", c);
    }
    return store::channel_for_reader(tx, c.id, who.account_id)->room;
  });
}

result<message> post_message(app& app, const caller& who, std::int64_t channel_id,
                             const new_message& input) {
  auto post = posting::prepare(app, who, channel_id, input);
  if (!post) return post.error();
  return app.db.write([&](db::transaction& tx) { return (*post)->write_alone(tx); });
}

void post_message_then(app& app, const caller& who, std::int64_t channel_id,
                       const new_message& input, std::function<void(result<message>)> done,
                       continuation continue_on) {
  auto post = posting::prepare(app, who, channel_id, input);
  if (!post) return done(post.error());
  // Replies are written alone: each changes its parent's count, which a batch does not do. So
  // are posts with files or mentions, which the batch does not attach or check.
  if (input.parent_id || !input.file_ids.empty() || (*post)->mentions_someone) {
    app.db.write_then([p = *post](db::transaction& tx) { return p->write_alone(tx); },
                      std::move(done), std::move(continue_on));
    return;
  }
  app.db.write_batched_then(posting::batcher(), std::move(*post), std::move(done),
                            std::move(continue_on));
}

result<std::vector<message>> history(app& app, const caller& who, std::int64_t channel_id,
                                     const page_request& page) {
  if (page.limit < 1 || page.limit > max_page)
    return errors::invalid("limit", field_problem::out_of_range);
  if (page.before && page.after) return errors::invalid("after", field_problem::not_allowed);
  if ((page.before && *page.before < 0) || (page.after && *page.after < 0))
    return errors::invalid(page.before ? "before" : "after", field_problem::out_of_range);
  return app.db.read([&](db::session& s) -> result<std::vector<message>> {
    if (auto ok = access::may_read(s, who, channel_id, app.seen_rooms, app.clock.now()); !ok)
      return ok.error();
    std::vector<message> out =
        page.before  ? store::messages_before(s, channel_id, *page.before, page.limit)
        : page.after ? store::messages_after(s, channel_id, *page.after, page.limit)
                     : store::latest_messages(s, channel_id, page.limit);
    store::with_extras(s, out);
    return out;
  });
}

result<std::string> latest_page_json(app& app, const caller& who, std::int64_t channel_id,
                                     int limit) {
  if (limit < 1 || limit > max_page) return errors::invalid("limit", field_problem::out_of_range);
  return app.db.read([&](db::session& s) -> result<std::string> {
    if (auto ok = access::may_read(s, who, channel_id, app.seen_rooms, app.clock.now()); !ok)
      return ok.error();
    if (auto cached = app.history.find(channel_id, limit)) return std::string(*cached);
    // Taken before the page is read: a change committed after this makes the copy stale.
    const auto ticket = app.history.current(channel_id);
    std::vector<message> page = store::latest_messages(s, channel_id, limit);
    store::with_extras(s, page);
    std::string json = message_list_json("messages", page);
    app.history.store(channel_id, limit, ticket, json);
    return json;
  });
}

result<std::vector<message>> missed_messages(app& app, const caller& who, std::int64_t channel_id,
                                             std::int64_t seq, int limit) {
  return history(app, who, channel_id,
                 page_request{std::nullopt, std::max<std::int64_t>(seq, 0), limit});
}

result<thread> thread_of(app& app, const caller& who, std::int64_t message_id) {
  return app.db.read([&](db::session& s) -> result<thread> {
    auto ref = access_message(s, who, message_id);
    if (!ref) return ref.error();
    std::vector<message> parent{ref->msg};
    store::with_extras(s, parent);
    auto replies = store::replies_to(s, message_id);
    store::with_extras(s, replies);
    return thread{std::move(parent.front()), std::move(replies)};
  });
}

result<message> edit_message(app& app, const caller& who, std::int64_t message_id,
                             const std::string& raw_body) {
  auto body = check_body(raw_body);
  if (!body) return body.error();
  const std::string html = render_markdown(*body);
  const millis now = app.clock.now();
  return app.db.write([&](db::transaction& tx) -> result<message> {
    auto ref = access_message(tx, who, message_id);
    if (!ref) return ref.error();
    if (ref->msg.author_id != who.account_id) return errors::forbidden();
    if (ref->msg.deleted_at) return errors::not_found("message");
    if (ref->where.place.archived_at) return errors::of(channel_archived);
    auto marked = mentions::resolve(tx, ref->where, html);
    if (!marked) return marked.error();
    store::update_body(tx, message_id, *body, marked->html, now);
    mentions::replace(tx, mentions::in_message, message_id, ref->where, who.account_id, marked->of,
                      now);
    message m = reload(tx, message_id);
    messages_changed(app, tx, m.channel_id);
    record(app, tx, ref->where.place, log_event(ref->where.place, "message.edited", m.id, now),
           [&](const realtime::logged_event& e) {
             return message_event_json(e.type, e.community_id, e.pos, m);
           });
    return m;
  });
}

outcome delete_message(app& app, const caller& who, std::int64_t message_id) {
  const millis now = app.clock.now();
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto ref = access_message(tx, who, message_id);
    if (!ref) return ref.error();
    if (ref->msg.author_id != who.account_id && !ref->where.is_host()) return errors::forbidden();
    if (ref->msg.deleted_at) return done;  // deleting twice is harmless
    store::mark_deleted(tx, message_id, now);
    files::release(app, tx, files::on_message, message_id);
    mentions::forget(tx, mentions::in_message, message_id);
    notifications::forget(tx, mentions::in_message, message_id);
    messages_changed(app, tx, ref->msg.channel_id);
    record(app, tx, ref->where.place,
           log_event(ref->where.place, "message.deleted", message_id, now),
           [&](const realtime::logged_event& e) { return deleted_event_json(e, ref->msg); });
    return done;
  });
}

result<message> react(app& app, const caller& who, std::int64_t message_id,
                      const std::string& raw_emoji, bool add) {
  // Stored fully qualified, so "❤" and "❤️" are one reaction.
  const std::optional<std::string> qualified = emoji::fully_qualified(raw_emoji);
  if (!qualified && add) return errors::invalid("emoji", field_problem::invalid_format);
  const millis now = app.clock.now();
  return app.db.write([&](db::transaction& tx) -> result<message> {
    auto ref = access_message(tx, who, message_id);
    if (!ref) return ref.error();
    if (ref->msg.deleted_at) return errors::not_found("message");
    if (ref->where.place.archived_at) return errors::of(channel_archived);
    const auto mine = store::reactions_by(tx, message_id, who.account_id);
    const auto has = [&](const std::string& e) { return std::ranges::find(mine, e) != mine.end(); };
    // A reaction stored before only emoji were taken can still be taken back by its author.
    if (!qualified && !has(raw_emoji))
      return errors::invalid("emoji", field_problem::invalid_format);
    const std::string& emoji = qualified ? *qualified : raw_emoji;
    // Bounded per member, so that one person cannot fill every reader's page and events.
    if (add && !has(emoji) && mine.size() >= max_reactions_per_member)
      return errors::limit_reached("reactions", max_reactions_per_member);
    const bool changed = add ? store::add_reaction(tx, message_id, who.account_id, emoji, now)
                             : store::remove_reaction(tx, message_id, who.account_id, emoji);
    message m = reload(tx, message_id);
    if (changed) messages_changed(app, tx, m.channel_id);
    if (changed) {
      auto e = log_event(ref->where.place, add ? "reaction.added" : "reaction.removed", m.id, now);
      e.actor_id = who.account_id;
      e.detail = emoji;
      record(app, tx, ref->where.place, std::move(e),
             [&](const realtime::logged_event& logged) { return reaction_event_json(logged, m); });
    }
    return m;
  });
}

result<channel> mark_read(app& app, const caller& who, std::int64_t channel_id, std::int64_t seq) {
  if (seq < 0) return errors::invalid("seq", field_problem::out_of_range);
  const millis now = app.clock.now();
  return app.db.write([&](db::transaction& tx) -> result<channel> {
    auto ref = access::channel_for(tx, who, channel_id);
    if (!ref) return ref.error();
    store::mark_read(tx, channel_id, who.account_id, std::min(seq, ref->place.last_seq));
    auto listed = store::channel_for_reader(tx, channel_id, who.account_id);
    channel c = listed->room;
    // Only the reader's own devices learn of it.
    auto e = log_event(ref->place, "channel.read", channel_id, now);
    e.only_account_id = who.account_id;
    e.detail = std::to_string(c.last_read_seq);
    realtime::append(tx, e);
    realtime::publish_after_commit(tx, app.hub, access::just(c.community_id, who.account_id),
                                   realtime::logged_frame(read_event_json(e, c.last_read_seq), e));
    return c;
  });
}

}  // namespace ps::chat
