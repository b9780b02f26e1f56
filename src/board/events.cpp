#include "board/events.hpp"

#include <nlohmann/json.hpp>

#include "board/store.hpp"
#include "realtime/events.hpp"

namespace ps::board {
namespace {

std::optional<std::string> replay_post(db::session& s, const realtime::logged_event& e) {
  if (!e.subject_id) return std::nullopt;
  auto p = store::post_by_id(s, *e.subject_id);
  if (!p) return std::nullopt;
  return post_event_json(e.type, e, *p);
}

std::optional<std::string> replay_comment(db::session& s, const realtime::logged_event& e) {
  if (!e.subject_id) return std::nullopt;
  auto c = store::comment_by_id(s, *e.subject_id);
  if (!c) return std::nullopt;
  auto p = store::post_by_id(s, c->post_id);
  if (!p) return std::nullopt;
  return comment_event_json(e.type, e, *c, *p);
}

}  // namespace

void add_event_types(realtime::event_catalog& catalog) {
  for (const char* type : {"board.post.created", "board.post.changed"})
    catalog.add(type, replay_post);
  for (const char* type : {"board.comment.created", "board.comment.changed"})
    catalog.add(type, replay_comment);
}

std::string post_event_json(std::string_view type, const realtime::logged_event& e, const post& p) {
  return realtime::event_text({{"type", type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"post", to_shared_json(p)}});
}

std::string comment_event_json(std::string_view type, const realtime::logged_event& e,
                               const comment& c, const post& p) {
  return realtime::event_text({{"type", type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"comment", to_json(c)},
                               {"post", to_shared_json(p)}});
}

}  // namespace ps::board
