#include "board/store.hpp"

#include <string>

namespace ps::board::store {
namespace {

constexpr const char* post_columns =
    "SELECT p.id, p.channel_id, p.author_id, a.display_name, p.title, p.body, p.html, "
    "p.created_at, p.edited_at, p.deleted_at, p.pinned_at, p.pin_order, p.locked_at, "
    "p.comment_count, p.last_activity_at";

post read_post(const db::row& r) {
  post p;
  p.id = r.integer(0);
  p.channel_id = r.integer(1);
  p.author_id = r.integer(2);
  p.author_name = r.text(3);
  p.title = r.maybe_text(4);
  p.body = r.text(5);
  p.html = r.text(6);
  p.created_at = millis(r.integer(7));
  if (auto t = r.maybe_integer(8)) p.edited_at = millis(*t);
  if (auto t = r.maybe_integer(9)) p.deleted_at = millis(*t);
  if (auto t = r.maybe_integer(10)) p.pinned_at = millis(*t);
  p.pin_order = r.maybe_integer(11);
  if (auto t = r.maybe_integer(12)) p.locked_at = millis(*t);
  p.comment_count = r.integer(13);
  p.last_activity_at = millis(r.integer(14));
  return p;
}

constexpr const char* comment_select =
    "SELECT c.id, c.post_id, c.author_id, a.display_name, c.parent_id, c.body, c.html, "
    "c.created_at, c.edited_at, c.deleted_at FROM board_comments c JOIN accounts a ON a.id = "
    "c.author_id ";

comment read_comment(const db::row& r) {
  comment c;
  c.id = r.integer(0);
  c.post_id = r.integer(1);
  c.author_id = r.integer(2);
  c.author_name = r.text(3);
  c.parent_id = r.maybe_integer(4);
  c.body = r.text(5);
  c.html = r.text(6);
  c.created_at = millis(r.integer(7));
  if (auto t = r.maybe_integer(8)) c.edited_at = millis(*t);
  if (auto t = r.maybe_integer(9)) c.deleted_at = millis(*t);
  return c;
}

}  // namespace

std::int64_t insert_post(db::transaction& tx, const post& p) {
  return tx
      .query_one(
          "INSERT INTO board_posts (channel_id, author_id, title, body, html, created_at, "
          "last_activity_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
          p.channel_id, p.author_id, p.title, p.body, p.html, p.created_at, p.last_activity_at)
      ->integer(0);
}

std::optional<post> post_by_id(db::session& s, std::int64_t id) {
  static const std::string q = std::string(post_columns) +
                               " FROM board_posts p JOIN accounts a ON a.id = p.author_id "
                               "WHERE p.id = $1";
  auto r = s.query_one(q, id);
  if (!r) return std::nullopt;
  return read_post(*r);
}

std::vector<post> posts_of(db::session& s, std::int64_t channel_id, std::int64_t reader,
                           std::size_t limit) {
  static const std::string q =
      std::string(post_columns) +
      ", v.last_seen_comment_id, (SELECT COUNT(*) FROM board_comments c WHERE c.post_id = p.id "
      "AND c.author_id <> $2 AND c.deleted_at IS NULL AND c.id > COALESCE(v.last_seen_comment_id, "
      "0)) FROM board_posts p JOIN accounts a ON a.id = p.author_id LEFT JOIN board_visits v ON "
      "v.post_id = p.id AND v.account_id = $2 WHERE p.channel_id = $1 AND p.deleted_at IS NULL "
      "ORDER BY (p.pinned_at IS NULL), p.pin_order, p.last_activity_at DESC, p.id DESC LIMIT $3";
  std::vector<post> out;
  for (const auto& r : s.query(q, channel_id, reader, static_cast<std::int64_t>(limit))) {
    post p = read_post(r);
    p.visited = r.maybe_integer(15).has_value();
    p.new_comments = r.integer(16);
    out.push_back(std::move(p));
  }
  return out;
}

std::int64_t insert_comment(db::transaction& tx, const comment& c) {
  return tx
      .query_one(
          "INSERT INTO board_comments (post_id, author_id, parent_id, body, html, created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
          c.post_id, c.author_id, c.parent_id, c.body, c.html, c.created_at)
      ->integer(0);
}

void note_comment(db::transaction& tx, std::int64_t post_id, millis at) {
  tx.execute(
      "UPDATE board_posts SET comment_count = comment_count + 1, last_activity_at = $2 WHERE id = "
      "$1",
      post_id, at);
}

std::optional<comment> comment_by_id(db::session& s, std::int64_t id) {
  static const std::string q = std::string(comment_select) + "WHERE c.id = $1";
  auto r = s.query_one(q, id);
  if (!r) return std::nullopt;
  return read_comment(*r);
}

std::vector<comment> comments_of(db::session& s, std::int64_t post_id, std::size_t limit) {
  static const std::string q =
      std::string(comment_select) + "WHERE c.post_id = $1 ORDER BY c.id LIMIT $2";
  std::vector<comment> out;
  for (const auto& r : s.query(q, post_id, static_cast<std::int64_t>(limit)))
    out.push_back(read_comment(r));
  return out;
}

std::optional<std::int64_t> last_seen(db::session& s, std::int64_t post_id, std::int64_t reader) {
  auto r = s.query_one(
      "SELECT last_seen_comment_id FROM board_visits WHERE post_id = $1 AND account_id = $2",
      post_id, reader);
  if (!r) return std::nullopt;
  return r->integer(0);
}

void mark_visit(db::transaction& tx, std::int64_t post_id, std::int64_t reader,
                std::int64_t last_comment_id) {
  tx.execute(
      "INSERT INTO board_visits (post_id, account_id, last_seen_comment_id) VALUES ($1, $2, $3) "
      "ON CONFLICT (post_id, account_id) DO UPDATE SET last_seen_comment_id = "
      "excluded.last_seen_comment_id WHERE excluded.last_seen_comment_id > "
      "board_visits.last_seen_comment_id",
      post_id, reader, last_comment_id);
}

std::int64_t next_pin_order(db::session& s, std::int64_t channel_id) {
  return s.query_one(
              "SELECT COALESCE(MAX(pin_order), 0) FROM board_posts WHERE channel_id = $1 AND "
              "pinned_at IS NOT NULL",
              channel_id)
             ->integer(0) +
         1;
}

void set_pin(db::transaction& tx, std::int64_t post_id, std::optional<millis> pinned_at,
             std::optional<std::int64_t> order) {
  tx.execute("UPDATE board_posts SET pinned_at = $2, pin_order = $3 WHERE id = $1", post_id,
             pinned_at, order);
}

void set_lock(db::transaction& tx, std::int64_t post_id, std::optional<millis> locked_at) {
  tx.execute("UPDATE board_posts SET locked_at = $2 WHERE id = $1", post_id, locked_at);
}

}  // namespace ps::board::store
