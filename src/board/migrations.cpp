#include "board/migrations.hpp"

namespace ps::board {
namespace {

// Posts and their comments in a channel of kind "board". comment_count and last_activity_at
// are kept with each comment, so the board's list is one indexed read. board_visits holds,
// per reader and post, the newest comment they were shown: "new since your last visit".
constexpr std::string_view board_schema = R"sql(
CREATE TABLE board_posts (
  id {{id}},
  channel_id BIGINT NOT NULL REFERENCES channels(id),
  author_id BIGINT NOT NULL REFERENCES accounts(id),
  title TEXT,
  body TEXT NOT NULL,
  html TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  edited_at BIGINT,
  deleted_at BIGINT,
  pinned_at BIGINT,
  pin_order BIGINT,
  locked_at BIGINT,
  comment_count BIGINT NOT NULL DEFAULT 0,
  last_activity_at BIGINT NOT NULL
);
CREATE INDEX board_posts_activity ON board_posts(channel_id, last_activity_at);
CREATE TABLE board_comments (
  id {{id}},
  post_id BIGINT NOT NULL REFERENCES board_posts(id),
  author_id BIGINT NOT NULL REFERENCES accounts(id),
  parent_id BIGINT REFERENCES board_comments(id),
  body TEXT NOT NULL,
  html TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  edited_at BIGINT,
  deleted_at BIGINT
);
CREATE INDEX board_comments_post ON board_comments(post_id, id);
CREATE TABLE board_post_reactions (
  post_id BIGINT NOT NULL REFERENCES board_posts(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  emoji TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (post_id, account_id, emoji)
);
CREATE TABLE board_comment_reactions (
  comment_id BIGINT NOT NULL REFERENCES board_comments(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  emoji TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (comment_id, account_id, emoji)
);
CREATE TABLE board_visits (
  post_id BIGINT NOT NULL REFERENCES board_posts(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  last_seen_comment_id BIGINT NOT NULL,
  PRIMARY KEY (post_id, account_id)
);
)sql";

constexpr db::migration steps[] = {
    {7, "board: posts, comments, reactions, pins, locks and visits", board_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::board
