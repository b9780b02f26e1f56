#include "board/store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <span>
#include <string>

#include "db/sql_lists.hpp"
#include "files/store.hpp"

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

// Groups (target id, emoji, account) rows, in the order read, into each target's reactions.
std::map<std::int64_t, std::vector<chat::reaction>> grouped(const std::vector<db::row>& rows) {
  std::map<std::int64_t, std::vector<chat::reaction>> out;
  for (const auto& r : rows) {
    auto& list = out[r.integer(0)];
    const std::string& emoji = r.text(1);
    auto it = std::ranges::find_if(list, [&](const chat::reaction& x) { return x.emoji == emoji; });
    if (it == list.end()) it = list.insert(list.end(), chat::reaction{emoji, {}});
    it->account_ids.push_back(r.integer(2));
  }
  return out;
}

// The files of posts or comments, from one range query over their ids.
template <class Item>
void attach_files(db::session& s, std::string_view kind, const std::vector<std::int64_t>& ids,
                  std::vector<Item>& items) {
  if (ids.empty()) return;
  const auto [low, high] = std::minmax_element(ids.begin(), ids.end());
  auto found = files::store::files_of_items(s, kind, *low, *high);
  for (auto& item : items)
    if (auto it = found.find(item.id); it != found.end()) item.files = std::move(it->second);
}

// The reactions of the targets with these ids, read 64 at a time (padded IN lists).
std::map<std::int64_t, std::vector<chat::reaction>> reactions_of(db::session& s,
                                                                 std::string_view table,
                                                                 std::string_view key,
                                                                 std::vector<std::int64_t> ids) {
  std::map<std::int64_t, std::vector<chat::reaction>> out;
  for (std::size_t at = 0; at < ids.size(); at += db::max_batch) {
    const auto piece = std::span<const std::int64_t>(ids).subspan(
        at, std::min<std::size_t>(db::max_batch, ids.size() - at));
    const std::size_t slots = db::padded_size(piece.size());
    const std::string q = fmt::format(
        "SELECT {0}, emoji, account_id FROM {1} WHERE {0} IN ({2}) ORDER BY {0}, created_at, "
        "account_id",
        key, table, db::placeholder_list(slots));
    std::vector<db::param> params;
    db::append_padded(params, piece, slots,
                      [](std::int64_t id, std::vector<db::param>& p) { p.emplace_back(id); });
    for (auto& [id, list] : grouped(s.query_params(q, params))) out[id] = std::move(list);
  }
  return out;
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
  return with_its_extras(s, read_post(*r));
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
  with_extras(s, out);
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
  return with_its_extras(s, read_comment(*r));
}

std::vector<comment> comments_of(db::session& s, std::int64_t post_id, std::size_t limit) {
  static const std::string q =
      std::string(comment_select) + "WHERE c.post_id = $1 ORDER BY c.id LIMIT $2";
  std::vector<comment> out;
  for (const auto& r : s.query(q, post_id, static_cast<std::int64_t>(limit)))
    out.push_back(read_comment(r));
  with_extras(s, out);
  return out;
}

std::vector<std::int64_t> comment_ids_of(db::session& s, std::int64_t post_id) {
  std::vector<std::int64_t> out;
  for (const auto& r : s.query("SELECT id FROM board_comments WHERE post_id = $1", post_id))
    out.push_back(r.integer(0));
  return out;
}

std::optional<std::int64_t> last_seen(db::session& s, std::int64_t post_id, std::int64_t reader) {
  auto r = s.query_one(
      "SELECT last_seen_comment_id FROM board_visits WHERE post_id = $1 AND account_id = $2",
      post_id, reader);
  if (!r) return std::nullopt;
  return r->integer(0);
}

reader_view reader_view_of(db::session& s, std::int64_t post_id, std::int64_t reader) {
  auto r = s.query_one(
      "SELECT v.last_seen_comment_id, (SELECT COUNT(*) FROM board_comments c WHERE c.post_id = $1 "
      "AND c.author_id <> $2 AND c.deleted_at IS NULL AND c.id > COALESCE(v.last_seen_comment_id, "
      "0)) FROM (SELECT 1 AS one) AS here LEFT JOIN board_visits v ON v.post_id = $1 AND "
      "v.account_id = $2",
      post_id, reader);
  return {r->maybe_integer(0).has_value(), r->integer(1)};
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

void update_post(db::transaction& tx, const post& p) {
  tx.execute(
      "UPDATE board_posts SET title = $2, body = $3, html = $4, edited_at = $5 WHERE id = $1", p.id,
      p.title, p.body, p.html, p.edited_at);
}

void mark_post_deleted(db::transaction& tx, std::int64_t post_id, millis at) {
  tx.execute("UPDATE board_posts SET deleted_at = $2 WHERE id = $1", post_id, at);
}

void update_comment(db::transaction& tx, const comment& c) {
  tx.execute("UPDATE board_comments SET body = $2, html = $3, edited_at = $4 WHERE id = $1", c.id,
             c.body, c.html, c.edited_at);
}

void mark_comment_deleted(db::transaction& tx, const comment& c, millis at) {
  tx.execute("UPDATE board_comments SET deleted_at = $2 WHERE id = $1", c.id, at);
  tx.execute("UPDATE board_posts SET comment_count = comment_count - 1 WHERE id = $1", c.post_id);
}

void with_extras(db::session& s, std::vector<post>& posts) {
  std::vector<std::int64_t> ids;
  for (const auto& p : posts) ids.push_back(p.id);
  auto found = reactions_of(s, "board_post_reactions", "post_id", ids);
  for (auto& p : posts)
    if (auto it = found.find(p.id); it != found.end()) p.reactions = std::move(it->second);
  attach_files(s, files::on_post, ids, posts);
}

void with_extras(db::session& s, std::vector<comment>& comments) {
  std::vector<std::int64_t> ids;
  for (const auto& c : comments) ids.push_back(c.id);
  auto found = reactions_of(s, "board_comment_reactions", "comment_id", ids);
  for (auto& c : comments)
    if (auto it = found.find(c.id); it != found.end()) c.reactions = std::move(it->second);
  attach_files(s, files::on_comment, ids, comments);
}

post with_its_extras(db::session& s, post p) {
  std::vector<post> one{std::move(p)};
  with_extras(s, one);
  return std::move(one.front());
}

comment with_its_extras(db::session& s, comment c) {
  std::vector<comment> one{std::move(c)};
  with_extras(s, one);
  return std::move(one.front());
}

std::vector<std::string> post_reactions_by(db::session& s, std::int64_t post_id,
                                           std::int64_t account_id) {
  std::vector<std::string> out;
  for (const auto& r : s.query("SELECT emoji FROM board_post_reactions WHERE post_id = $1 AND "
                               "account_id = $2",
                               post_id, account_id))
    out.push_back(r.text(0));
  return out;
}

std::vector<std::string> comment_reactions_by(db::session& s, std::int64_t comment_id,
                                              std::int64_t account_id) {
  std::vector<std::string> out;
  for (const auto& r : s.query("SELECT emoji FROM board_comment_reactions WHERE comment_id = $1 "
                               "AND account_id = $2",
                               comment_id, account_id))
    out.push_back(r.text(0));
  return out;
}

bool add_post_reaction(db::transaction& tx, std::int64_t post_id, std::int64_t account_id,
                       const std::string& emoji, millis at) {
  return tx.execute(
             "INSERT INTO board_post_reactions (post_id, account_id, emoji, created_at) VALUES "
             "($1, $2, $3, $4) ON CONFLICT DO NOTHING",
             post_id, account_id, emoji, at) > 0;
}

bool remove_post_reaction(db::transaction& tx, std::int64_t post_id, std::int64_t account_id,
                          const std::string& emoji) {
  return tx.execute(
             "DELETE FROM board_post_reactions WHERE post_id = $1 AND account_id = $2 AND "
             "emoji = $3",
             post_id, account_id, emoji) > 0;
}

bool add_comment_reaction(db::transaction& tx, std::int64_t comment_id, std::int64_t account_id,
                          const std::string& emoji, millis at) {
  return tx.execute(
             "INSERT INTO board_comment_reactions (comment_id, account_id, emoji, created_at) "
             "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
             comment_id, account_id, emoji, at) > 0;
}

bool remove_comment_reaction(db::transaction& tx, std::int64_t comment_id, std::int64_t account_id,
                             const std::string& emoji) {
  return tx.execute(
             "DELETE FROM board_comment_reactions WHERE comment_id = $1 AND account_id = "
             "$2 AND emoji = $3",
             comment_id, account_id, emoji) > 0;
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
