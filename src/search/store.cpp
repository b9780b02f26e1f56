#include "search/store.hpp"

#include <fmt/format.h>

#include <map>

#include "files/store.hpp"
#include "search/snippet.hpp"

namespace ps::search::store {

namespace {

bool on_sqlite(db::session& s) {
  return s.kind() == db::dialect::sqlite;
}

// The rooms as the engine takes a list in one parameter: a JSON array for SQLite's json_each,
// an array literal for PostgreSQL.
std::string room_list(db::session& s, const std::vector<std::int64_t>& rooms) {
  const bool sqlite = on_sqlite(s);
  std::string out(1, sqlite ? '[' : '{');
  for (std::size_t i = 0; i < rooms.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(rooms[i]);
  }
  out += sqlite ? ']' : '}';
  return out;
}

std::string in_rooms(db::session& s, std::string_view column) {
  return on_sqlite(s) ? fmt::format("{} IN (SELECT value FROM json_each($2))", column)
                      : fmt::format("{} = ANY(CAST($2 AS BIGINT[]))", column);
}

// $3 author, $4 before, $5 after. Cast: PostgreSQL cannot tell a NULL parameter's type from
// `$3 IS NULL` alone.
std::string filters(std::string_view author, std::string_view created) {
  return fmt::format(
      " AND (CAST($3 AS BIGINT) IS NULL OR {0} = $3) AND (CAST($4 AS BIGINT) IS NULL OR {1} < "
      "$4) AND (CAST($5 AS BIGINT) IS NULL OR {1} > $5)",
      author, created);
}

// One kind of thing searched: its FTS5 table, and the text of PostgreSQL's search_document.
struct source {
  std::string_view kind;
  std::string_view fts_table;   // SQLite
  std::string_view fts_column;  // snippet() column: -1 lets FTS5 take the best
  std::string_view table;       // the rows
  std::string_view shown;       // PostgreSQL: the text its document is made of, on `t`
};

constexpr source messages_source{found_message, "messages_search", "0", "messages", "t.body"};
constexpr source posts_source{found_post, "board_posts_search", "-1", "board_posts",
                              "COALESCE(t.title, '') || ' ' || t.body"};
constexpr source comments_source{found_comment, "board_comments_search", "0", "board_comments",
                                 "t.body"};
constexpr source files_source{found_file, "files_search", "0", "files",
                              "translate(t.name, '._-', '   ')"};

// The FROM and the match of one source. The rows are `t`; on SQLite the FTS5 table comes first
// (CROSS JOIN keeps that order), so the newest matches are read from its index in rowid order
// and the scan stops at the limit instead of visiting every row of the visible rooms.
struct match_sql {
  std::string from, where, score, order;
};
match_sql match_of(db::session& s, const source& src) {
  if (on_sqlite(s))
    return {fmt::format("{0} CROSS JOIN {1} t", src.fts_table, src.table),
            fmt::format("t.id = {0}.rowid AND {0} MATCH $1", src.fts_table),
            fmt::format("-bm25({})", src.fts_table), fmt::format("{}.rowid DESC", src.fts_table)};
  return {fmt::format("{} t", src.table), "t.search_document @@ to_tsquery('ps_search', $1)",
          "ts_rank(t.search_document, to_tsquery('ps_search', $1))", "t.id DESC"};
}

std::vector<db::param> params_of(db::session& s, const terms& t, const scope& where, int limit) {
  return {on_sqlite(s) ? fts5_match(t) : tsquery(t),
          room_list(s, where.rooms),
          where.author_id,
          where.before,
          where.after,
          limit};
}

// Columns 0–5 of every source: id, room, author, author's name, created_at, score.
hit read_common(const db::row& r, std::string_view kind) {
  hit h;
  h.kind = kind;
  h.id = r.integer(0);
  h.channel_id = r.integer(1);
  h.author_id = r.integer(2);
  h.author_name = r.text(3);
  h.created_at = r.integer(4);
  h.score = std::holds_alternative<double>(r.at(5)) ? std::get<double>(r.at(5))
                                                    : static_cast<double>(r.integer(5));
  return h;
}

void add_messages(db::session& s, const std::vector<db::param>& params, std::vector<hit>& out) {
  const auto m = match_of(s, messages_source);
  const std::string q = fmt::format(
      "SELECT t.id, t.channel_id, t.author_id, a.display_name, t.created_at, {0}, t.seq, "
      "t.parent_id FROM {1} JOIN accounts a ON a.id = t.author_id WHERE {2} AND {3} AND "
      "t.deleted_at IS NULL{4} ORDER BY {5} LIMIT $6",
      m.score, m.from, m.where, in_rooms(s, "t.channel_id"), filters("t.author_id", "t.created_at"),
      m.order);
  for (const auto& r : s.query_params(q, params)) {
    auto h = read_common(r, found_message);
    h.seq = r.integer(6);
    h.parent_id = r.maybe_integer(7);
    out.push_back(std::move(h));
  }
}

void add_posts(db::session& s, const std::vector<db::param>& params, std::vector<hit>& out) {
  const auto m = match_of(s, posts_source);
  const std::string q = fmt::format(
      "SELECT t.id, t.channel_id, t.author_id, a.display_name, t.created_at, {0}, t.title FROM "
      "{1} JOIN accounts a ON a.id = t.author_id WHERE {2} AND {3} AND t.deleted_at IS NULL{4} "
      "ORDER BY {5} LIMIT $6",
      m.score, m.from, m.where, in_rooms(s, "t.channel_id"), filters("t.author_id", "t.created_at"),
      m.order);
  for (const auto& r : s.query_params(q, params)) {
    auto h = read_common(r, found_post);
    h.post_id = h.id;
    h.title = r.maybe_text(6);
    out.push_back(std::move(h));
  }
}

void add_comments(db::session& s, const std::vector<db::param>& params, std::vector<hit>& out) {
  const auto m = match_of(s, comments_source);
  const std::string q = fmt::format(
      "SELECT t.id, p.channel_id, t.author_id, a.display_name, t.created_at, {0}, p.id, p.title "
      "FROM {1} JOIN board_posts p ON p.id = t.post_id JOIN accounts a ON a.id = t.author_id "
      "WHERE {2} AND {3} AND t.deleted_at IS NULL AND p.deleted_at IS NULL{4} ORDER BY {5} "
      "LIMIT $6",
      m.score, m.from, m.where, in_rooms(s, "p.channel_id"), filters("t.author_id", "t.created_at"),
      m.order);
  for (const auto& r : s.query_params(q, params)) {
    auto h = read_common(r, found_comment);
    h.post_id = r.integer(6);
    h.title = r.maybe_text(7);
    out.push_back(std::move(h));
  }
}

// Only files attached to something: an upload not sent yet is its uploader's alone.
void add_files(db::session& s, const std::vector<db::param>& params, std::vector<hit>& out) {
  const auto m = match_of(s, files_source);
  const std::string q = fmt::format(
      "SELECT t.id, t.channel_id, t.uploader_id, a.display_name, t.created_at, {0}, t.item_kind, "
      "t.item_id, msg.seq, msg.parent_id, p.id, p.title FROM {1} JOIN accounts a ON a.id = "
      "t.uploader_id LEFT JOIN messages msg ON t.item_kind = 'message' AND msg.id = t.item_id "
      "LEFT JOIN board_comments c ON t.item_kind = 'comment' AND c.id = t.item_id LEFT JOIN "
      "board_posts p ON p.id = CASE WHEN t.item_kind = 'post' THEN t.item_id ELSE c.post_id END "
      "WHERE {2} AND t.channel_id IS NOT NULL AND {3}{4} ORDER BY {5} LIMIT $6",
      m.score, m.from, m.where, in_rooms(s, "t.channel_id"),
      filters("t.uploader_id", "t.created_at"), m.order);
  for (const auto& r : s.query_params(q, params)) {
    auto h = read_common(r, found_file);
    h.item_kind = r.maybe_text(6);
    h.item_id = r.maybe_integer(7);
    h.seq = r.maybe_integer(8);
    h.parent_id = r.maybe_integer(9);
    h.post_id = r.maybe_integer(10);
    h.title = r.maybe_text(11);
    out.push_back(std::move(h));
  }
}

// The snippets of the hits of one source, by id.
std::map<std::int64_t, std::string> snippets_of(db::session& s, const terms& t, const source& src,
                                                const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, std::string> out;
  if (ids.empty()) return out;
  const std::string opens(match_opens), closes(match_closes);
  std::vector<db::param> params{on_sqlite(s) ? fts5_match(t) : tsquery(t), room_list(s, ids)};
  std::string q;
  if (on_sqlite(s)) {
    // 24 tokens around the best match; an ellipsis where the text was cut.
    q = fmt::format(
        "SELECT rowid, snippet({0}, {1}, $3, $4, '…', 24) FROM {0} WHERE {0} MATCH $1 AND rowid "
        "IN (SELECT value FROM json_each($2))",
        src.fts_table, src.fts_column);
    params.emplace_back(opens);
    params.emplace_back(closes);
  } else {
    // '<' hidden from ts_headline, which would drop what looks like an HTML tag (snippet.hpp).
    q = fmt::format(
        "SELECT t.id, ts_headline('ps_search', replace({0}, '<', $4), to_tsquery('ps_search', "
        "$1), $3) FROM {1} t WHERE t.id = ANY(CAST($2 AS BIGINT[]))",
        src.shown, src.table);
    params.emplace_back(fmt::format(
        "StartSel={}, StopSel={}, MaxWords=24, MinWords=10, ShortWord=1, MaxFragments=1, "
        "FragmentDelimiter=\" … \"",
        opens, closes));
    params.emplace_back(std::string(less_than_sign));
  }
  for (const auto& r : s.query_params(q, params)) out.emplace(r.integer(0), r.text(1));
  return out;
}

}  // namespace

std::vector<hit> matches(db::session& s, const terms& t, const scope& where, int limit) {
  std::vector<hit> out;
  if (where.rooms.empty()) return out;
  const auto params = params_of(s, t, where, limit);
  add_messages(s, params, out);
  add_posts(s, params, out);
  add_comments(s, params, out);
  add_files(s, params, out);
  return out;
}

void complete(db::session& s, const terms& t, std::vector<hit>& hits) {
  for (const source* src : {&messages_source, &posts_source, &comments_source, &files_source}) {
    std::vector<std::int64_t> ids;
    for (const auto& h : hits)
      if (h.kind == src->kind) ids.push_back(h.id);
    if (ids.empty()) continue;
    const auto snippets = snippets_of(s, t, *src, ids);
    for (auto& h : hits)
      if (h.kind == src->kind)
        if (auto it = snippets.find(h.id); it != snippets.end())
          h.snippet = snippet_html(it->second);
    if (src == &files_source) {
      const auto found = files::store::files_by_ids(s, ids);
      for (auto& h : hits)
        for (const auto& f : found)
          if (h.kind == found_file && f.id == h.id) h.file = f;
    }
  }
}

}  // namespace ps::search::store
