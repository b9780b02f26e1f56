#pragma once
#include <span>
#include <string>
#include <string_view>

#include "db/database.hpp"

namespace ps::db {

// One step of the schema. Versions only grow; a released migration is never edited.
// The SQL is portable; the few words that differ between engines are written as {{id}}
// (an auto-increment primary key) and replaced by for_dialect().
struct migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

std::span<const migration> all_migrations();
std::string for_dialect(std::string_view sql, dialect d);

// Applies every migration newer than the database's version, each in its own transaction.
// Returns how many ran.
int migrate(database& db);

}  // namespace ps::db
