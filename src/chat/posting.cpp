#include "chat/posting.hpp"

#include <map>
#include <vector>

#include "access/policy.hpp"
#include "chat/errors.hpp"
#include "chat/events.hpp"
#include "chat/service_parts.hpp"
#include "chat/store.hpp"
#include "files/service.hpp"
#include "markdown/markdown.hpp"
#include "mentions/service.hpp"
#include "notifications/notify.hpp"
#include "realtime/event_log.hpp"

namespace ps::chat::posting {
namespace {

// A new message's frame for its room's audience, once its event has its position.
void publish_created(ps::app& app, db::transaction& tx, const access::audience& audience,
                     const realtime::logged_event& e, const message& m) {
  realtime::publish_after_commit(
      tx, app.hub, audience,
      realtime::logged_frame(message_event_json(e.type, e.community_id, e.pos, m), e, m.seq));
}

// Who is told of a new message: those it mentions, the thread's people for a reply, and, for a
// message of its own, a conversation's participants, a broadcast's audience and whoever follows
// the room ("all").
void notify_posted(ps::app& app, db::transaction& tx, const access::channel_ref& place,
                   const message& m, const mentions::found& mentioned,
                   notifications::lookups& known) {
  notifications::written w;
  w.room = &place.place;
  w.item_kind = mentions::in_message;
  w.item_id = m.id;
  w.actor_id = m.author_id;
  w.actor_name = m.author_name;
  w.excerpt = notifications::plain_excerpt(m.html);
  w.mentioned = mentioned;
  w.thread_parent = m.parent_id;
  w.new_in_room = !m.parent_id;
  w.seq = m.seq;
  w.parent_id = m.parent_id;
  notifications::notify(app, tx, w, m.created_at, known);
}

message with_its_extras(db::session& s, message m) {
  std::vector<message> one{std::move(m)};
  store::with_extras(s, one);
  return std::move(one.front());
}

// The posts of a group, in queue order, in one set of statements: one access query for all,
// one look-up of the retried client_ids, one counter statement per channel and per community,
// the rows, read markers and events in a few multi-row inserts. Each post's outcome is what
// write_alone would have given it, run in the same order.
class post_batcher final : public db::write_batcher {
 public:
  void run_together(db::transaction& tx,
                    std::span<db::batched_write* const> writes) const override {
    std::vector<pending_post*> posts;
    posts.reserve(writes.size());
    // Only pending_posts are queued with this batcher (post_message_then).
    for (auto* w : writes) posts.push_back(static_cast<pending_post*>(w));
    ps::app& app = posts.front()->server;

    std::vector<access::room_request> asked;
    for (auto* p : posts) asked.push_back({&p->who, p->channel_id});
    auto places = access::channels_for(tx, asked);

    // A retry finds its first message, in the database or earlier in this batch.
    std::vector<store::client_key> keys;
    for (std::size_t i = 0; i < posts.size(); ++i)
      if (places[i] && posts[i]->input.client_id)
        keys.push_back(
            {posts[i]->channel_id, posts[i]->who.account_id, *posts[i]->input.client_id});
    auto firsts = store::messages_by_client_ids(tx, keys);
    std::map<store::client_key, std::size_t> first_here;  // key -> the post that writes it
    std::vector<std::optional<std::size_t>> same_as(posts.size());

    std::vector<std::size_t> writing;  // the posts that write a message, in order
    for (std::size_t i = 0; i < posts.size(); ++i) {
      auto* p = posts[i];
      if (!places[i]) {
        p->out.emplace(places[i].error());
        continue;
      }
      if (p->input.client_id) {
        const store::client_key key{p->channel_id, p->who.account_id, *p->input.client_id};
        if (auto found = firsts.find(key); found != firsts.end()) {
          p->out.emplace(with_its_extras(tx, found->second));
          continue;
        }
        if (auto earlier = first_here.find(key); earlier != first_here.end()) {
          same_as[i] = earlier->second;
          continue;
        }
        first_here.emplace(key, i);
      }
      if (places[i]->place.archived_at) {
        p->out.emplace(errors::of(channel_archived));
        continue;
      }
      if (places[i]->place.kind == board_kind) {
        p->out.emplace(errors::of(room_takes_posts));
        continue;
      }
      if (places[i]->place.kind == broadcast_kind && !places[i]->is_host()) {
        p->out.emplace(errors::of(hosts_only_room));
        continue;
      }
      writing.push_back(i);
    }
    if (!writing.empty()) write_messages(app, tx, posts, places, writing);
    for (std::size_t i = 0; i < posts.size(); ++i)
      if (same_as[i]) posts[i]->out = posts[*same_as[i]]->out;
  }

 private:
  static void write_messages(ps::app& app, db::transaction& tx,
                             const std::vector<pending_post*>& posts,
                             const std::vector<result<access::channel_ref>>& places,
                             const std::vector<std::size_t>& writing) {
    std::map<std::int64_t, std::int64_t> per_channel;
    for (auto i : writing) ++per_channel[posts[i]->channel_id];
    auto last_seq = store::take_seqs(tx, per_channel);
    std::map<std::int64_t, std::int64_t> next_seq;
    for (auto [channel, count] : per_channel) next_seq[channel] = last_seq.at(channel) - count + 1;

    std::vector<message> messages;
    messages.reserve(writing.size());
    for (auto i : writing) {
      const auto* p = posts[i];
      message m;
      m.channel_id = p->channel_id;
      m.seq = next_seq[p->channel_id]++;
      m.author_id = p->who.account_id;
      m.author_name = places[i]->member_name;
      m.body = p->body;
      m.html = p->html;
      m.client_id = p->input.client_id;
      m.created_at = p->now;
      messages.push_back(std::move(m));
    }
    store::insert_messages(tx, messages);

    // Each author's marker moves to their last message in the channel.
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> marks;
    for (const auto& m : messages) marks[{m.channel_id, m.author_id}] = m.seq;
    std::vector<store::read_mark> read;
    for (auto [key, seq] : marks) read.push_back({key.first, key.second, seq});
    store::mark_read_many(tx, read);

    std::vector<realtime::logged_event> events;
    events.reserve(messages.size());
    for (std::size_t k = 0; k < messages.size(); ++k)
      events.push_back(log_event(places[writing[k]]->place, "message.created", messages[k].id,
                                 posts[writing[k]]->now));
    realtime::append_all(tx, events);

    // After the commit: each channel's cached page is stale before anyone hears of its new
    // messages, which then go out in the order of their positions.
    std::map<std::int64_t, access::audience> audiences;
    for (auto [channel, count] : per_channel) messages_changed(app, tx, channel);
    for (std::size_t k = 0; k < messages.size(); ++k) {
      const auto& room = places[writing[k]]->place;
      auto audience = audiences.find(room.id);
      if (audience == audiences.end())
        audience = audiences.emplace(room.id, access::audience_of(tx, room)).first;
      publish_created(app, tx, audience->second, events[k], messages[k]);
      posts[writing[k]]->out.emplace(std::move(messages[k]));
    }
    notifications::lookups known;
    for (std::size_t k = 0; k < writing.size(); ++k)
      notify_posted(app, tx, *places[writing[k]], posts[writing[k]]->out->value(), {}, known);
    tx.after_commit([&app, n = messages.size()] {
      app.stats.messages.fetch_add(n, std::memory_order_relaxed);
    });
  }
};

}  // namespace

result<message> pending_post::write_alone(db::transaction& tx) {
  ps::app& app = server;
  auto place = access::channel_for(tx, who, channel_id);
  if (!place) return place.error();
  if (input.client_id) {
    if (auto first = store::message_by_client_id(tx, channel_id, who.account_id, *input.client_id))
      return with_its_extras(tx, std::move(*first));
  }
  if (place->place.archived_at) return errors::of(channel_archived);
  if (place->place.kind == board_kind) return errors::of(room_takes_posts);
  if (place->place.kind == broadcast_kind && !place->is_host()) return errors::of(hosts_only_room);
  if (input.parent_id) {
    auto parent = store::message_by_id(tx, *input.parent_id);
    if (!parent || parent->channel_id != channel_id || parent->parent_id || parent->deleted_at)
      return errors::invalid("parent_id", field_problem::not_allowed);
    store::add_reply(tx, parent->id);
  }
  mentions::resolved marked{html, {}};
  if (mentions_someone) {
    auto checked = mentions::resolve(tx, *place, html);
    if (!checked) return checked.error();
    marked = std::move(*checked);
  }
  message m;
  m.channel_id = channel_id;
  m.seq = store::next_seq(tx, channel_id);
  m.author_id = who.account_id;
  m.author_name = place->member_name;
  m.body = body;
  m.html = std::move(marked.html);
  m.parent_id = input.parent_id;
  m.client_id = input.client_id;
  m.created_at = now;
  m.id = store::insert_message(tx, m);
  auto attached = files::attach(tx, who, *place, files::on_message, m.id, input.file_ids);
  if (!attached) return attached.error();
  m.files = std::move(*attached);
  mentions::record(tx, mentions::in_message, m.id, *place, who.account_id, marked.of, now);
  store::mark_read(tx, channel_id, who.account_id, m.seq);
  messages_changed(app, tx, channel_id);
  auto e = log_event(place->place, "message.created", m.id, now);
  realtime::append(tx, e);
  publish_created(app, tx, access::audience_of(tx, place->place), e, m);
  notifications::lookups known;  // after the message's event: told of what is already there
  notify_posted(app, tx, *place, m, marked.of, known);
  tx.after_commit([&app] { app.stats.messages.fetch_add(1, std::memory_order_relaxed); });
  return m;
}

result<std::shared_ptr<pending_post>> prepare(ps::app& app, const caller& who,
                                              std::int64_t channel_id, const new_message& input) {
  if (auto ok = files::check_file_ids(input.file_ids); !ok) return ok.error();
  auto body = input.file_ids.empty() ? check_body(input.body) : check_body_beside_files(input.body);
  if (!body) return body.error();
  if (input.client_id &&
      (input.client_id->empty() || input.client_id->size() > max_client_id_length))
    return errors::invalid("client_id", field_problem::invalid_format);
  // Rendered before the transaction so that the single writer is held only for the insert.
  std::string html = render_markdown(*body);
  return std::make_shared<pending_post>(app, who, channel_id, input, std::move(*body),
                                        std::move(html), app.clock.now());
}

const db::write_batcher& batcher() {
  // Holds nothing: one for the whole program, shared by every server in it.
  static const post_batcher the_batcher;
  return the_batcher;
}

}  // namespace ps::chat::posting
