#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "board/model.hpp"
#include "db/database.hpp"

// The board's SQL. It reports facts; who may see or do what is decided by access/policy.
namespace ps::board::store {

std::int64_t insert_post(db::transaction& tx, const post& p);
// With its reactions (as comment_by_id).
std::optional<post> post_by_id(db::session& s, std::int64_t id);
// The board's list for `reader`: pinned first (in their order), then by latest activity;
// removed posts left out; at most `limit`.
std::vector<post> posts_of(db::session& s, std::int64_t channel_id, std::int64_t reader,
                           std::size_t limit);

std::int64_t insert_comment(db::transaction& tx, const comment& c);
// A new comment counts, and makes the post the newest activity.
void note_comment(db::transaction& tx, std::int64_t post_id, millis at);
std::optional<comment> comment_by_id(db::session& s, std::int64_t id);
// Oldest first, at most `limit`.
std::vector<comment> comments_of(db::session& s, std::int64_t post_id, std::size_t limit);
// Every comment of the post, removed ones too.
std::vector<std::int64_t> comment_ids_of(db::session& s, std::int64_t post_id);

// The newest comment `reader` was shown of the post, 0 when they opened it with none, nothing
// when they never opened it.
std::optional<std::int64_t> last_seen(db::session& s, std::int64_t post_id, std::int64_t reader);
// What one reader's list would say of the post: whether they opened it, and the comments by
// others after their visit.
struct reader_view {
  bool visited = false;
  std::int64_t new_comments = 0;
};
reader_view reader_view_of(db::session& s, std::int64_t post_id, std::int64_t reader);
// Moves the reader's visit forward (never back).
void mark_visit(db::transaction& tx, std::int64_t post_id, std::int64_t reader,
                std::int64_t last_comment_id);

void update_post(db::transaction& tx, const post& p);  // title, body, html, edited_at
void mark_post_deleted(db::transaction& tx, std::int64_t post_id, millis at);
void update_comment(db::transaction& tx, const comment& c);  // body, html, edited_at
// Removed for everyone; the post counts one comment less.
void mark_comment_deleted(db::transaction& tx, const comment& c, millis at);

// Reactions, as chat's (grouped by emoji in the order first given), and attached files: the
// posts' and comments' own.
void with_extras(db::session& s, std::vector<post>& posts);
void with_extras(db::session& s, std::vector<comment>& comments);
post with_its_extras(db::session& s, post p);
comment with_its_extras(db::session& s, comment c);
// The emoji `account_id` put on it.
std::vector<std::string> post_reactions_by(db::session& s, std::int64_t post_id,
                                           std::int64_t account_id);
std::vector<std::string> comment_reactions_by(db::session& s, std::int64_t comment_id,
                                              std::int64_t account_id);
// True when it changed something.
bool add_post_reaction(db::transaction& tx, std::int64_t post_id, std::int64_t account_id,
                       const std::string& emoji, millis at);
bool remove_post_reaction(db::transaction& tx, std::int64_t post_id, std::int64_t account_id,
                          const std::string& emoji);
bool add_comment_reaction(db::transaction& tx, std::int64_t comment_id, std::int64_t account_id,
                          const std::string& emoji, millis at);
bool remove_comment_reaction(db::transaction& tx, std::int64_t comment_id, std::int64_t account_id,
                             const std::string& emoji);

// The order after the board's last pinned post.
std::int64_t next_pin_order(db::session& s, std::int64_t channel_id);
void set_pin(db::transaction& tx, std::int64_t post_id, std::optional<millis> pinned_at,
             std::optional<std::int64_t> order);
void set_lock(db::transaction& tx, std::int64_t post_id, std::optional<millis> locked_at);

}  // namespace ps::board::store
