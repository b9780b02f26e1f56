#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"

namespace ps::db {

// One step of the schema. Versions are one sequence for the whole server and only grow; a
// released migration is never edited. A capability takes the next free version.
// The SQL is portable; the few words that differ between engines are written as {{id}}
// (an auto-increment primary key) and replaced by for_dialect(). Where the engines have no
// common SQL at all (full-text search: an FTS5 table on SQLite, a GIN index on PostgreSQL),
// `sql` is SQLite's and `sql_on_postgresql` PostgreSQL's.
struct migration {
  int version;
  std::string_view name;
  std::string_view sql;
  std::string_view sql_on_postgresql = {};
};

// The first schema (version 1). Later versions are declared by each capability in its own
// migrations.cpp and collected by app/capabilities.cpp (ps::migrations()).
std::span<const migration> foundation_migrations();
// Every capability's migrations as one list by version; two with the same version are a
// mistake caught at start-up (std::logic_error), not a schema applied twice.
std::vector<migration> in_order(std::vector<std::span<const migration>> declared);
std::string for_dialect(std::string_view sql, dialect d);

// Applies every migration newer than the database's version, in order, each in its own
// transaction. Returns how many ran.
int migrate(database& db, std::span<const migration> migrations);
// Every migration at once inside `tx`, for a database without any table: db/copy.cpp makes the
// target's schema in the transaction of the copy, so that on PostgreSQL, whose DDL is
// transactional, a copy that fails leaves no table behind and can simply be run again.
void create_schema(transaction& tx, std::span<const migration> migrations);

}  // namespace ps::db
