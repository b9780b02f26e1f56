#include "board/service.hpp"

#include "board/errors.hpp"
#include "board/events.hpp"
#include "board/service_parts.hpp"
#include "board/store.hpp"
#include "chat/errors.hpp"
#include "core/text.hpp"
#include "files/service.hpp"
#include "markdown/markdown.hpp"
#include "mentions/service.hpp"
#include "notifications/notify.hpp"
#include "realtime/event_log.hpp"

namespace ps::board {

result<post> create_post(app& app, const caller& who, std::int64_t channel_id,
                         const new_post& input) {
  if (auto ok = files::check_file_ids(input.file_ids); !ok) return ok.error();
  auto body = body_beside(input.body, input.file_ids, max_post_length);
  if (!body) return body.error();
  std::optional<std::string> title;
  if (input.title && !text::trim(*input.title).empty()) {
    auto t = checked_title(*input.title);
    if (!t) return t.error();
    title = *t;
  }
  std::string html = render_markdown(*body);  // before the transaction: the writer is shared
  return app.db.write([&](db::transaction& tx) -> result<post> {
    auto where = board_for(tx, who, channel_id);
    if (!where) return where.error();
    if (where->place.archived_at) return errors::of(chat::channel_archived);
    auto marked = mentions::resolve(tx, *where, html);
    if (!marked) return marked.error();
    post p;
    p.channel_id = channel_id;
    p.author_id = who.account_id;
    p.author_name = where->member_name;
    p.title = title;
    p.body = *body;
    p.html = std::move(marked->html);
    p.created_at = app.clock.now();
    p.last_activity_at = p.created_at;
    p.id = store::insert_post(tx, p);
    auto attached = files::attach(tx, who, *where, files::on_post, p.id, input.file_ids);
    if (!attached) return attached.error();
    p.files = std::move(*attached);
    mentions::record(tx, mentions::in_post, p.id, *where, who.account_id, marked->of, p.created_at);
    notifications::written told;
    told.room = &where->place;
    told.item_kind = mentions::in_post;
    told.item_id = p.id;
    told.actor_id = who.account_id;
    told.actor_name = p.author_name;
    told.excerpt = notifications::plain_excerpt(p.title ? *p.title + " — " + p.html : p.html);
    told.mentioned = marked->of;
    told.new_in_room = true;
    told.post_id = p.id;
    notifications::notify(app, tx, told, p.created_at);
    record_post(app, tx, where->place, "board.post.created", p, p.created_at);
    return p;
  });
}

result<std::vector<post>> list_posts(app& app, const caller& who, std::int64_t channel_id) {
  return app.db.read([&](db::session& s) -> result<std::vector<post>> {
    auto where = board_for(s, who, channel_id);
    if (!where) return where.error();
    return store::posts_of(s, channel_id, who.account_id, max_listed_posts);
  });
}

result<comment> create_comment(app& app, const caller& who, std::int64_t post_id,
                               const new_comment& input) {
  if (auto ok = files::check_file_ids(input.file_ids); !ok) return ok.error();
  auto body = body_beside(input.body, input.file_ids, max_comment_length);
  if (!body) return body.error();
  std::string html = render_markdown(*body);
  return app.db.write([&](db::transaction& tx) -> result<comment> {
    auto found = post_for(tx, who, post_id);
    if (!found) return found.error();
    if (found->where.place.archived_at) return errors::of(chat::channel_archived);
    if (found->p.locked_at && !found->where.is_host()) return errors::of(post_locked);
    if (input.parent_id) {
      // One level: a reply answers a comment of this post that is not itself a reply.
      auto parent = store::comment_by_id(tx, *input.parent_id);
      if (!parent || parent->post_id != post_id || parent->parent_id || parent->deleted_at)
        return errors::invalid("parent_id", field_problem::not_allowed);
    }
    auto marked = mentions::resolve(tx, found->where, html);
    if (!marked) return marked.error();
    comment c;
    c.post_id = post_id;
    c.author_id = who.account_id;
    c.author_name = found->where.member_name;
    c.parent_id = input.parent_id;
    c.body = *body;
    c.html = std::move(marked->html);
    c.created_at = app.clock.now();
    c.id = store::insert_comment(tx, c);
    auto attached = files::attach(tx, who, found->where, files::on_comment, c.id, input.file_ids);
    if (!attached) return attached.error();
    c.files = std::move(*attached);
    mentions::record(tx, mentions::in_comment, c.id, found->where, who.account_id, marked->of,
                     c.created_at);
    // The post's author is told of a comment, and a comment's author of a reply to it.
    notifications::written told;
    told.room = &found->where.place;
    told.item_kind = mentions::in_comment;
    told.item_id = c.id;
    told.actor_id = who.account_id;
    told.actor_name = c.author_name;
    told.excerpt = notifications::plain_excerpt(c.html);
    told.mentioned = marked->of;
    told.addressed.push_back(found->p.author_id);
    if (input.parent_id)
      if (auto parent = store::comment_by_id(tx, *input.parent_id))
        told.addressed.push_back(parent->author_id);
    told.addressed_as = notifications::for_comment;
    told.post_id = post_id;
    notifications::notify(app, tx, told, c.created_at);
    store::note_comment(tx, post_id, c.created_at);
    post p = found->p;
    p.comment_count += 1;
    p.last_activity_at = c.created_at;

    record_comment(app, tx, found->where.place, "board.comment.created", c, p, c.created_at);
    return c;
  });
}

result<comments_page> list_comments(app& app, const caller& who, std::int64_t post_id) {
  auto page = app.db.read([&](db::session& s) -> result<comments_page> {
    auto found = post_for(s, who, post_id);
    if (!found) return found.error();
    comments_page out{std::move(found->p), store::comments_of(s, post_id, max_listed_comments),
                      store::last_seen(s, post_id, who.account_id)};
    // As it is once this visit is recorded (below).
    out.of.visited = true;
    out.of.new_comments = 0;
    return out;
  });
  if (!page) return page;
  // The visit, off the answer's path: a lost one only shows these comments as new once more.
  const std::int64_t newest = page->comments.empty() ? 0 : page->comments.back().id;
  if (!page->last_seen_comment_id || *page->last_seen_comment_id < newest || page->comments.empty())
    app.db.write_later([post_id, reader = who.account_id, newest](db::transaction& tx) {
      store::mark_visit(tx, post_id, reader, newest);
    });
  return page;
}

outcome mark_seen(app& app, const caller& who, std::int64_t post_id, std::int64_t comment_id) {
  if (comment_id < 0) return errors::invalid("comment_id", field_problem::out_of_range);
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto found = post_for(tx, who, post_id);
    if (!found) return found.error();
    if (comment_id > 0) {
      auto c = store::comment_by_id(tx, comment_id);
      if (!c || c->post_id != post_id)
        return errors::invalid("comment_id", field_problem::not_allowed);
    }
    store::mark_visit(tx, post_id, who.account_id, comment_id);
    return done;
  });
}

result<post> set_pinned(app& app, const caller& who, std::int64_t post_id, bool pinned,
                        std::optional<std::int64_t> order) {
  return app.db.write([&](db::transaction& tx) -> result<post> {
    auto found = post_for(tx, who, post_id);
    if (!found) return found.error();
    if (!found->where.is_host()) return errors::forbidden();
    post p = found->p;
    const millis now = app.clock.now();
    if (pinned) {
      if (!p.pinned_at) p.pinned_at = now;
      p.pin_order =
          order ? *order : (p.pin_order ? *p.pin_order : store::next_pin_order(tx, p.channel_id));
    } else {
      if (!p.pinned_at) return as_seen_by(tx, p, who.account_id);  // already so: no event
      p.pinned_at.reset();
      p.pin_order.reset();
    }
    if (p.pinned_at == found->p.pinned_at && p.pin_order == found->p.pin_order)
      return as_seen_by(tx, p, who.account_id);
    store::set_pin(tx, p.id, p.pinned_at, p.pin_order);
    record_post(app, tx, found->where.place, "board.post.changed", p, now);
    return as_seen_by(tx, std::move(p), who.account_id);
  });
}

result<post> set_locked(app& app, const caller& who, std::int64_t post_id, bool locked) {
  return app.db.write([&](db::transaction& tx) -> result<post> {
    auto found = post_for(tx, who, post_id);
    if (!found) return found.error();
    if (!found->where.is_host()) return errors::forbidden();
    post p = found->p;
    if (locked == p.locked_at.has_value())
      return as_seen_by(tx, p, who.account_id);  // already so: nothing changes, no event
    const millis now = app.clock.now();
    p.locked_at = locked ? std::optional<millis>(now) : std::nullopt;
    store::set_lock(tx, p.id, p.locked_at);
    record_post(app, tx, found->where.place, "board.post.changed", p, now);
    return as_seen_by(tx, std::move(p), who.account_id);
  });
}

}  // namespace ps::board
