#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "board/model.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"

// The rules of a board (a channel of kind "board"): members post and comment; hosts pin, lock,
// and comment on a locked post. Who may see the board is the access policy's (channel_for): a
// post or comment of a board one may not see is not found. Every change logs its event and
// publishes it after the commit to whoever may see the board.
namespace ps::board {

struct new_post {
  std::optional<std::string> title;
  std::string body;
  // As chat::new_message's: with one, the body may be empty.
  std::vector<std::int64_t> file_ids = {};
};

struct new_comment {
  std::string body;
  std::optional<std::int64_t> parent_id;  // a comment of the same post, itself not a reply
  std::vector<std::int64_t> file_ids = {};
};

struct comments_page {
  post of;
  std::vector<comment> comments;
  // The newest comment the reader had been shown before this visit (0: none; nothing when it is
  // their first): those after it, by others, are new to them.
  std::optional<std::int64_t> last_seen_comment_id;
};

inline constexpr std::size_t max_listed_comments = 2000;

result<post> create_post(app& app, const caller& who, std::int64_t channel_id,
                         const new_post& input);
result<std::vector<post>> list_posts(app& app, const caller& who, std::int64_t channel_id);
result<comment> create_comment(app& app, const caller& who, std::int64_t post_id,
                               const new_comment& input);
// The post's comments, oldest first; the visit is recorded (what is new is known next time).
result<comments_page> list_comments(app& app, const caller& who, std::int64_t post_id);
// The reader was shown the post's comments up to `comment_id` (0: none): PUT /posts/{id}/seen,
// for the comments that came live while they read it.
outcome mark_seen(app& app, const caller& who, std::int64_t post_id, std::int64_t comment_id);
// Hosts only. `order` places a pinned post among the pinned (lowest first); without it, last.
result<post> set_pinned(app& app, const caller& who, std::int64_t post_id, bool pinned,
                        std::optional<std::int64_t> order = std::nullopt);
result<post> set_locked(app& app, const caller& who, std::int64_t post_id, bool locked);

// board/changes.cpp. Authors edit their own; authors and hosts remove (for everyone). A removed
// post leaves the list and its comments with it; a removed comment keeps its place, without its
// text, so that the replies to it still read in order.
struct post_edit {
  std::optional<std::string> title;  // "" takes the title away
  std::optional<std::string> body;
};
result<post> edit_post(app& app, const caller& who, std::int64_t post_id, const post_edit& edit);
outcome delete_post(app& app, const caller& who, std::int64_t post_id);
result<comment> edit_comment(app& app, const caller& who, std::int64_t comment_id,
                             const std::string& body);
outcome delete_comment(app& app, const caller& who, std::int64_t comment_id);
// Any member who may see the post: an emoji added or taken back, at most
// chat::max_reactions_per_member distinct ones per member and post or comment.
result<post> react_to_post(app& app, const caller& who, std::int64_t post_id,
                           const std::string& emoji, bool add);
result<comment> react_to_comment(app& app, const caller& who, std::int64_t comment_id,
                                 const std::string& emoji, bool add);

}  // namespace ps::board
