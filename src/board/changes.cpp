// Edits, removals and reactions of a board's posts and comments (board/service.hpp).
#include <algorithm>

#include "board/errors.hpp"
#include "board/service.hpp"
#include "board/service_parts.hpp"
#include "board/store.hpp"
#include "chat/errors.hpp"
#include "chat/service.hpp"
#include "core/emoji.hpp"
#include "core/text.hpp"
#include "files/service.hpp"
#include "markdown/markdown.hpp"
#include "mentions/service.hpp"
#include "notifications/notify.hpp"

namespace ps::board {
namespace {

// The emoji as stored (fully qualified, so "❤" and "❤️" are one), or why it is refused; a
// reaction stored before only emoji were taken can still be taken back by its author.
result<std::string> reaction_emoji(const std::string& raw, bool add,
                                   const std::vector<std::string>& mine) {
  if (auto qualified = emoji::fully_qualified(raw)) return *qualified;
  if (!add && std::ranges::find(mine, raw) != mine.end()) return raw;
  return errors::invalid("emoji", field_problem::invalid_format);
}

outcome may_add(bool add, const std::vector<std::string>& mine, const std::string& emoji) {
  if (add && std::ranges::find(mine, emoji) == mine.end() &&
      mine.size() >= chat::max_reactions_per_member)
    return errors::limit_reached("reactions", chat::max_reactions_per_member);
  return done;
}

}  // namespace

result<post> edit_post(app& app, const caller& who, std::int64_t post_id, const post_edit& edit) {
  std::optional<std::string> body, html, title;
  if (edit.body) {
    auto checked = checked_text(*edit.body, "body", max_post_length);
    if (!checked) return checked.error();
    body = *checked;
    html = render_markdown(*body);
  }
  if (edit.title && !text::trim(*edit.title).empty()) {
    auto checked = checked_title(*edit.title);
    if (!checked) return checked.error();
    title = *checked;
  }
  return app.db.write([&](db::transaction& tx) -> result<post> {
    auto found = post_for(tx, who, post_id);
    if (!found) return found.error();
    if (found->p.author_id != who.account_id) return errors::forbidden();
    if (found->where.place.archived_at) return errors::of(chat::channel_archived);
    post p = found->p;
    if (edit.title) p.title = title;
    if (body) p.body = *body;
    if (p.title == found->p.title && p.body == found->p.body)
      return as_seen_by(tx, p, who.account_id);  // nothing changed
    const millis now = app.clock.now();
    if (body) {
      auto marked = mentions::resolve(tx, found->where, *html);
      if (!marked) return marked.error();
      p.html = std::move(marked->html);
      mentions::replace(tx, mentions::in_post, post_id, found->where, who.account_id, marked->of,
                        now);
    }
    p.edited_at = now;
    store::update_post(tx, p);
    record_post(app, tx, found->where.place, "board.post.changed", p, now);
    return as_seen_by(tx, std::move(p), who.account_id);
  });
}

outcome delete_post(app& app, const caller& who, std::int64_t post_id) {
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto p = store::post_by_id(tx, post_id);
    if (p && p->deleted_at) {
      // Removing twice is harmless, for whoever may see the board.
      if (access::channel_for(tx, who, p->channel_id)) return done;
      return errors::not_found("post");
    }
    auto found = post_for(tx, who, post_id);
    if (!found) return found.error();
    if (found->p.author_id != who.account_id && !found->where.is_host()) return errors::forbidden();
    const millis now = app.clock.now();
    store::mark_post_deleted(tx, post_id, now);
    mentions::forget(tx, mentions::in_post, post_id);
    notifications::forget(tx, mentions::in_post, post_id);
    // Its comments go with it (the post answers 404 from now on), and so do all their files.
    files::release(app, tx, files::on_post, post_id);
    for (auto id : store::comment_ids_of(tx, post_id))
      files::release(app, tx, files::on_comment, id);
    post gone = found->p;
    gone.deleted_at = now;
    record_post(app, tx, found->where.place, "board.post.changed", gone, now);
    return done;
  });
}

result<comment> edit_comment(app& app, const caller& who, std::int64_t comment_id,
                             const std::string& raw_body) {
  auto body = checked_text(raw_body, "body", max_comment_length);
  if (!body) return body.error();
  std::string html = render_markdown(*body);
  return app.db.write([&](db::transaction& tx) -> result<comment> {
    auto found = comment_for(tx, who, comment_id);
    if (!found) return found.error();
    if (found->c.deleted_at) return errors::not_found("comment");
    if (found->c.author_id != who.account_id) return errors::forbidden();
    if (found->where.place.archived_at) return errors::of(chat::channel_archived);
    comment c = found->c;
    if (c.body == *body) return c;
    const millis now = app.clock.now();
    auto marked = mentions::resolve(tx, found->where, html);
    if (!marked) return marked.error();
    mentions::replace(tx, mentions::in_comment, comment_id, found->where, who.account_id,
                      marked->of, now);
    c.body = *body;
    c.html = std::move(marked->html);
    c.edited_at = now;
    store::update_comment(tx, c);
    record_comment(app, tx, found->where.place, "board.comment.changed", c, found->p, now);
    return c;
  });
}

outcome delete_comment(app& app, const caller& who, std::int64_t comment_id) {
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto found = comment_for(tx, who, comment_id);
    if (!found) return found.error();
    if (found->c.author_id != who.account_id && !found->where.is_host()) return errors::forbidden();
    if (found->c.deleted_at) return done;  // removing twice is harmless
    const millis now = app.clock.now();
    store::mark_comment_deleted(tx, found->c, now);
    mentions::forget(tx, mentions::in_comment, comment_id);
    notifications::forget(tx, mentions::in_comment, comment_id);
    files::release(app, tx, files::on_comment, comment_id);
    comment c = found->c;
    c.deleted_at = now;
    post p = found->p;
    p.comment_count -= 1;
    record_comment(app, tx, found->where.place, "board.comment.changed", c, p, now);
    return done;
  });
}

result<post> react_to_post(app& app, const caller& who, std::int64_t post_id,
                           const std::string& raw_emoji, bool add) {
  return app.db.write([&](db::transaction& tx) -> result<post> {
    auto found = post_for(tx, who, post_id);
    if (!found) return found.error();
    if (found->where.place.archived_at) return errors::of(chat::channel_archived);
    const auto mine = store::post_reactions_by(tx, post_id, who.account_id);
    auto emoji = reaction_emoji(raw_emoji, add, mine);
    if (!emoji) return emoji.error();
    if (auto ok = may_add(add, mine, *emoji); !ok) return ok.error();
    const millis now = app.clock.now();
    const bool changed = add ? store::add_post_reaction(tx, post_id, who.account_id, *emoji, now)
                             : store::remove_post_reaction(tx, post_id, who.account_id, *emoji);
    if (!changed) return as_seen_by(tx, found->p, who.account_id);
    post p = *store::post_by_id(tx, post_id);
    record_post(app, tx, found->where.place, "board.post.changed", p, now);
    return as_seen_by(tx, std::move(p), who.account_id);
  });
}

result<comment> react_to_comment(app& app, const caller& who, std::int64_t comment_id,
                                 const std::string& raw_emoji, bool add) {
  return app.db.write([&](db::transaction& tx) -> result<comment> {
    auto found = comment_for(tx, who, comment_id);
    if (!found) return found.error();
    if (found->c.deleted_at) return errors::not_found("comment");
    if (found->where.place.archived_at) return errors::of(chat::channel_archived);
    const auto mine = store::comment_reactions_by(tx, comment_id, who.account_id);
    auto emoji = reaction_emoji(raw_emoji, add, mine);
    if (!emoji) return emoji.error();
    if (auto ok = may_add(add, mine, *emoji); !ok) return ok.error();
    const millis now = app.clock.now();
    const bool changed =
        add ? store::add_comment_reaction(tx, comment_id, who.account_id, *emoji, now)
            : store::remove_comment_reaction(tx, comment_id, who.account_id, *emoji);
    if (!changed) return found->c;
    comment c = *store::comment_by_id(tx, comment_id);
    record_comment(app, tx, found->where.place, "board.comment.changed", c, found->p, now);
    return c;
  });
}

}  // namespace ps::board
