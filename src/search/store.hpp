#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "db/database.hpp"
#include "search/model.hpp"
#include "search/query.hpp"

// The SQL of search. The one store whose SQL differs by engine, because their full-text
// features have nothing in common: FTS5 tables with MATCH, bm25() and snippet() on SQLite; GIN
// indexes with @@, ts_rank() and ts_headline() on PostgreSQL (search/migrations.cpp). Every
// query has its two texts side by side, and both answer the same columns.
namespace ps::search::store {

// Where to look: rooms the access policy let the caller see (never empty), and the filters.
struct scope {
  std::vector<std::int64_t> rooms;
  std::optional<std::int64_t> author_id;
  std::optional<millis> before, after;
};

// The newest `limit` matches of each kind (messages, posts, comments, file names) in the
// scope, each with its relevance score; without snippets, files or room names.
std::vector<hit> matches(db::session& s, const terms& t, const scope& where, int limit);

// Fills each hit's snippet (at most db::max_batch hits) and, for files, its file.
void complete(db::session& s, const terms& t, std::vector<hit>& hits);

}  // namespace ps::search::store
