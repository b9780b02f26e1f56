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
};

struct new_comment {
  std::string body;
  std::optional<std::int64_t> parent_id;  // a comment of the same post, itself not a reply
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
// Hosts only. `order` places a pinned post among the pinned (lowest first); without it, last.
result<post> set_pinned(app& app, const caller& who, std::int64_t post_id, bool pinned,
                        std::optional<std::int64_t> order = std::nullopt);
result<post> set_locked(app& app, const caller& who, std::int64_t post_id, bool locked);

}  // namespace ps::board
