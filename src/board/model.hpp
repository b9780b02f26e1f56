#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chat/model.hpp"
#include "core/clock.hpp"

// What a board holds: posts (an optional title and a Markdown body) and their comments, one
// level of replies deep. A post's place in the list comes from its pin and its last activity
// (the newest of its own time and its comments').
namespace ps::board {

using chat::board_kind;
inline constexpr std::size_t max_title_length = 200;
inline constexpr std::size_t max_post_length = 20000;    // code points
inline constexpr std::size_t max_comment_length = 4000;  // code points, as a chat message
inline constexpr std::size_t max_listed_posts = 200;     // the board's list, pinned first

struct post {
  std::int64_t id = 0;
  std::int64_t channel_id = 0;
  std::int64_t author_id = 0;
  std::string author_name;
  std::optional<std::string> title;
  std::string body;
  std::string html;
  millis created_at{0};
  std::optional<millis> edited_at;
  std::optional<millis> deleted_at;
  std::optional<millis> pinned_at;
  std::optional<std::int64_t> pin_order;  // pinned posts come first, lowest order first
  std::optional<millis> locked_at;        // no new comments (but from hosts)
  std::int64_t comment_count = 0;         // not counting removed ones
  millis last_activity_at{0};
  std::vector<chat::reaction> reactions;
  std::vector<files::file_info> files = {};  // attached, in their order (none once removed)
  // For the one reading, not in events: comments by others after their last visit of the post
  // (all of them when they never opened it), and whether they ever opened it.
  std::int64_t new_comments = 0;
  bool visited = false;
};

struct comment {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::int64_t author_id = 0;
  std::string author_name;
  std::optional<std::int64_t> parent_id;
  std::string body;
  std::string html;
  millis created_at{0};
  std::optional<millis> edited_at;
  std::optional<millis> deleted_at;  // removed for everyone: kept, without its text, for replies
  std::vector<chat::reaction> reactions;
  std::vector<files::file_info> files = {};
};

// What everyone who may see the board is sent (no per-reader field).
nlohmann::json to_shared_json(const post& p);
// With the reader's new_comments and visited.
nlohmann::json to_json(const post& p);
nlohmann::json to_json(const comment& c);

}  // namespace ps::board
