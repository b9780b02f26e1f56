#pragma once
#include <string>
#include <string_view>

#include "board/model.hpp"
#include "realtime/event_log.hpp"

// The board's events, as live frames and as replays. Each is logged with channel_id = the
// board, subject_id = the post (board.post.*) or the comment (board.comment.*).
//   board.post.created, board.post.changed (pinned or not, locked or not, edited, reacted to,
//   removed: deleted true, and it leaves the list): {"type", "community_id", "pos", "post": {…}}
//   board.comment.created, board.comment.changed (edited, removed, reacted to):
//     {"type", "community_id", "pos", "comment": {…}, "post": {…}}
// A replay sends the post or comment as it is now.
namespace ps::board {

void add_event_types(realtime::event_catalog& catalog);

std::string post_event_json(std::string_view type, const realtime::logged_event& e, const post& p);
std::string comment_event_json(std::string_view type, const realtime::logged_event& e,
                               const comment& c, const post& p);

}  // namespace ps::board
