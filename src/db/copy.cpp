#include "db/copy.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <utility>

namespace ps::db {
namespace {

// Rows read from the source at a time: a table is never held in memory whole.
constexpr std::size_t page_rows = 1000;
// Rows per INSERT on the target: one round trip per hundred rows rather than per row, and far
// below PostgreSQL's 65,535 parameters per statement whatever the width of the table.
constexpr std::size_t max_rows_per_insert = 100;
constexpr std::size_t max_params_per_insert = 10'000;

// Names go into the SQL text. Petite Salle's are lower-case words, created unquoted by the
// migrations on both engines (PostgreSQL folds unquoted names to lower case): anything else is
// not a table of ours, and is refused rather than quoted.
const std::string& checked_name(const std::string& name) {
  const bool word =
      !name.empty() && !(name[0] >= '0' && name[0] <= '9') && std::ranges::all_of(name, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      });
  if (!word)
    throw copy_refused(
        fmt::format("\"{}\" is not a table or column name of Petite Salle's schema", name));
  return name;
}

// One table of the source as the copy needs it.
struct table_shape {
  std::string name;
  std::vector<std::string> columns;  // as PRAGMA table_info lists them, the same on the target
  // What pages are ordered and taken by: the primary key's columns (so a table that points at
  // itself, messages.parent_id, comes id by id, parents first), or the rowid without one.
  std::vector<std::string> key;
  std::set<std::string> references;  // the other tables its foreign keys point to
};

std::vector<table_shape> source_tables(session& s) {
  std::vector<table_shape> out;
  // schema_migrations is not copied: migrating the target wrote it. Nor are the full-text
  // index's virtual and shadow tables (SQLite's own, type 'virtual' and 'shadow'): PostgreSQL
  // builds its index from the copied rows.
  for (const auto& t :
       s.query("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND "
               "substr(name, 1, 7) <> 'sqlite_' AND name <> 'schema_migrations' ORDER BY name")) {
    table_shape shape;
    shape.name = checked_name(t.text(0));
    std::vector<std::pair<std::int64_t, std::string>> key;
    for (const auto& c :
         s.query("SELECT name, pk FROM pragma_table_info($1) ORDER BY cid", shape.name)) {
      shape.columns.push_back(checked_name(c.text(0)));
      if (c.integer(1) > 0) key.emplace_back(c.integer(1), c.text(0));
    }
    std::ranges::sort(key);
    for (auto& [position, column] : key) shape.key.push_back(std::move(column));
    if (shape.key.empty()) shape.key.emplace_back("rowid");
    for (const auto& f : s.query("SELECT \"table\" FROM pragma_foreign_key_list($1)", shape.name))
      if (f.text(0) != shape.name) shape.references.insert(f.text(0));
    out.push_back(std::move(shape));
  }
  return out;
}

// Each table after those it points to, so that every foreign key finds its row already copied
// (PostgreSQL checks them at each INSERT). Among tables ready at once, by name.
std::vector<table_shape> in_copy_order(std::vector<table_shape> tables) {
  std::set<std::string> known, placed;
  for (const auto& t : tables) known.insert(t.name);
  std::vector<table_shape> ordered;
  while (!tables.empty()) {
    auto ready = std::ranges::find_if(tables, [&](const table_shape& t) {
      return std::ranges::all_of(t.references, [&](const std::string& other) {
        return placed.contains(other) || !known.contains(other);
      });
    });
    if (ready == tables.end()) {
      std::vector<std::string> left;
      for (const auto& t : tables) left.push_back(t.name);
      throw copy_refused(
          fmt::format("the foreign keys of {} point at each other in a cycle: no order copies them",
                      fmt::join(left, ", ")));
    }
    placed.insert(ready->name);
    ordered.push_back(std::move(*ready));
    tables.erase(ready);
  }
  return ordered;
}

// The columns a page selects: the table's, then those of its key that are not among them
// (the rowid), whose values only serve to ask for the next page.
std::vector<std::string> selected_columns(const table_shape& t) {
  std::vector<std::string> out = t.columns;
  for (const auto& k : t.key)
    if (std::ranges::find(out, k) == out.end()) out.push_back(k);
  return out;
}

// A page of rows in key order; after the first, those past the last key seen (a row-value
// comparison), so that a page costs the same wherever it is in the table.
std::string page_query(const table_shape& t, bool after_key) {
  std::string where;
  if (after_key) {
    std::vector<std::string> placeholders;
    for (std::size_t i = 1; i <= t.key.size(); ++i) placeholders.push_back(fmt::format("${}", i));
    where =
        fmt::format(" WHERE ({}) > ({})", fmt::join(t.key, ", "), fmt::join(placeholders, ", "));
  }
  return fmt::format("SELECT {} FROM {}{} ORDER BY {} LIMIT {}",
                     fmt::join(selected_columns(t), ", "), t.name, where, fmt::join(t.key, ", "),
                     page_rows);
}

std::string insert_statement(const table_shape& t, std::size_t rows) {
  std::string sql = fmt::format("INSERT INTO {} ({}) VALUES ", t.name, fmt::join(t.columns, ", "));
  std::size_t n = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      sql += c == 0 ? "$" : ", $";
      sql += std::to_string(++n);
    }
    sql += ')';
  }
  return sql;
}

param as_param(const value& v) {
  return std::visit([](const auto& x) { return param(x); }, v);
}

// Copies one table's rows, page by page, and returns how many.
std::int64_t copy_rows(session& from, session& to, const table_shape& t) {
  const std::size_t width = t.columns.size();
  const std::size_t per_insert =
      std::clamp<std::size_t>(max_params_per_insert / width, 1, max_rows_per_insert);
  const std::string first_page = page_query(t, false), next_page = page_query(t, true);
  const std::string full_insert = insert_statement(t, per_insert);
  const auto columns = selected_columns(t);
  std::vector<std::size_t> key_at;  // where each key column is in a selected row
  for (const auto& k : t.key)
    key_at.push_back(static_cast<std::size_t>(std::ranges::find(columns, k) - columns.begin()));

  std::int64_t copied = 0;
  std::vector<param> last_key, params;
  for (;;) {
    const auto page =
        last_key.empty() ? from.query(first_page) : from.query_params(next_page, last_key);
    for (std::size_t start = 0; start < page.size(); start += per_insert) {
      const std::size_t rows = std::min(per_insert, page.size() - start);
      params.clear();
      for (std::size_t r = start; r < start + rows; ++r)
        for (std::size_t c = 0; c < width; ++c) params.push_back(as_param(page[r].at(c)));
      to.execute_params(rows == per_insert ? full_insert : insert_statement(t, rows), params);
    }
    copied += static_cast<std::int64_t>(page.size());
    if (page.size() < page_rows) return copied;
    last_key.clear();
    for (std::size_t i : key_at) last_key.push_back(as_param(page.back().at(i)));
  }
}

// Every page of the copy is read in one read transaction of the source: one point in time,
// so that a reaction never arrives without its message even if something wrote meanwhile.
class read_snapshot {
 public:
  explicit read_snapshot(session& s) : s_(s) { s_.execute("BEGIN"); }
  ~read_snapshot() {
    try {
      s_.execute("COMMIT");
    } catch (const std::exception&) {
      // Nothing was written through it; the connection goes with the source database.
    }
  }
  read_snapshot(const read_snapshot&) = delete;
  read_snapshot& operator=(const read_snapshot&) = delete;

 private:
  session& s_;
};

// Moves each identity sequence past the ids copied with their rows, which an INSERT that
// names the id does not: the next row gets MAX(id) + 1, and an empty table still starts at 1.
void advance_identities(session& to) {
  for (const auto& c :
       to.query("SELECT table_name, column_name FROM information_schema.columns WHERE "
                "table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name")) {
    const std::string& table = checked_name(c.text(0));
    const std::string& column = checked_name(c.text(1));
    to.query(
        fmt::format("SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(COALESCE(MAX({1}), "
                    "0), 1), MAX({1}) IS NOT NULL) FROM {0}",
                    table, column),
        table, column);
  }
}

std::vector<std::int64_t> row_counts(database& db, const std::vector<table_shape>& tables) {
  return db.read([&](session& s) {
    std::vector<std::int64_t> counts;
    for (const auto& t : tables)
      counts.push_back(s.query_one(fmt::format("SELECT COUNT(*) FROM {}", t.name))->integer(0));
    return counts;
  });
}

std::int64_t schema_version(database& db) {
  return db.read([](session& s) {
    return s.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")->integer(0);
  });
}

}  // namespace

copy_report copy_database(database& from, database& to, std::span<const migration> schema) {
  if (from.kind() != dialect::sqlite) throw copy_refused("the source of a copy must be SQLite");
  if (to.kind() != dialect::postgresql)
    throw copy_refused("the target of a copy must be PostgreSQL");

  // Refused before anything is written on either side.
  const auto existing = to.read([](session& s) {
    return s.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = "
        "current_schema() ORDER BY table_name");
  });
  if (!existing.empty())
    throw copy_refused(fmt::format(
        "the target database is not empty ({} tables, among them {}): copy-database writes only "
        "into a database without tables",
        existing.size(), existing.front().text(0)));
  const bool ours = from.read([](session& s) {
    return s.query_one(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
                "'schema_migrations'")
               ->integer(0) > 0;
  });
  if (!ours) throw copy_refused("the source is not a Petite Salle database (no schema_migrations)");

  // Both sides at the current schema (the target's made below): the same tables, with the
  // same columns.
  migrate(from, schema);
  std::int64_t newest = 0;
  for (const auto& m : schema) newest = std::max<std::int64_t>(newest, m.version);
  if (const auto version = schema_version(from); version > newest)
    throw copy_refused(fmt::format(
        "the source's schema (version {}) is newer than this petitesalle's ({}): copy with the "
        "petitesalle that last served it",
        version, newest));

  const auto tables = in_copy_order(from.read([](session& s) { return source_tables(s); }));
  // The target's schema, its rows and its sequences in one transaction: a copy that fails
  // leaves the target as it was, without a table, ready for another try.
  to.write([&](transaction& tx) {
    create_schema(tx, schema);
    from.read([&](session& source) {
      read_snapshot snapshot(source);
      for (const auto& t : tables) copy_rows(source, tx, t);
    });
    advance_identities(tx);
  });

  // Counted again on both sides once committed, each by a connection of its own: a difference
  // means rows were lost, or that a server was still writing to the source during the copy.
  const auto source_counts = row_counts(from, tables), target_counts = row_counts(to, tables);
  copy_report report;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (source_counts[i] != target_counts[i])
      throw copy_refused(fmt::format(
          "{} has {} rows in the source but {} in the copy (was a server still writing to the "
          "source?): drop the target database, create it again and copy once more",
          tables[i].name, source_counts[i], target_counts[i]));
    report.tables.push_back({tables[i].name, target_counts[i]});
  }
  return report;
}

}  // namespace ps::db
