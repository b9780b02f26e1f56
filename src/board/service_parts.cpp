#include "board/service_parts.hpp"

#include "board/errors.hpp"
#include "board/events.hpp"
#include "board/store.hpp"
#include "core/text.hpp"
#include "realtime/event_log.hpp"

namespace ps::board {

result<std::string> body_beside(const std::string& raw, const std::vector<std::int64_t>& file_ids,
                                std::size_t most) {
  if (!file_ids.empty() && text::trim(raw).empty()) return std::string();
  return checked_text(raw, "body", most);
}

result<std::string> checked_title(const std::string& raw) {
  return checked_line(raw, "title", max_title_length);
}

result<access::channel_ref> board_for(db::session& s, const caller& who, std::int64_t channel_id) {
  auto ref = access::channel_for(s, who, channel_id);
  if (!ref) return ref.error();
  if (ref->place.kind != board_kind) return errors::of(not_a_board);
  return ref;
}

result<post_in_board> post_for(db::session& s, const caller& who, std::int64_t post_id) {
  auto p = store::post_by_id(s, post_id);
  if (!p || p->deleted_at) return errors::not_found("post");
  auto where = access::channel_for(s, who, p->channel_id);
  if (!where) return errors::not_found("post");
  return post_in_board{std::move(*p), std::move(*where)};
}

result<comment_in_board> comment_for(db::session& s, const caller& who, std::int64_t comment_id) {
  auto c = store::comment_by_id(s, comment_id);
  if (!c) return errors::not_found("comment");
  auto found = post_for(s, who, c->post_id);
  if (!found) return errors::not_found("comment");
  return comment_in_board{std::move(*c), std::move(found->p), std::move(found->where)};
}

post as_seen_by(db::session& s, post p, std::int64_t reader) {
  const auto view = store::reader_view_of(s, p.id, reader);
  p.visited = view.visited;
  p.new_comments = view.new_comments;
  return p;
}

namespace {

realtime::logged_event board_event(const chat::channel& room, const char* type,
                                   std::int64_t subject, millis now) {
  realtime::logged_event e;
  e.community_id = room.community_id;
  e.type = type;
  e.channel_id = room.id;
  e.subject_id = subject;
  e.created_at = now;
  return e;
}

}  // namespace

void record_post(app& app, db::transaction& tx, const chat::channel& room, const char* type,
                 const post& p, millis now) {
  auto e = board_event(room, type, p.id, now);
  realtime::append(tx, e);
  realtime::publish_after_commit(tx, app.hub, access::audience_of(tx, room),
                                 realtime::logged_frame(post_event_json(type, e, p), e));
}

void record_comment(app& app, db::transaction& tx, const chat::channel& room, const char* type,
                    const comment& c, const post& p, millis now) {
  auto e = board_event(room, type, c.id, now);
  realtime::append(tx, e);
  realtime::publish_after_commit(tx, app.hub, access::audience_of(tx, room),
                                 realtime::logged_frame(comment_event_json(type, e, c, p), e));
}

}  // namespace ps::board
