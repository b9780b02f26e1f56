#pragma once
#include <filesystem>
#include <memory>

#include "db/database.hpp"

namespace ps::db {

struct sqlite_options {
  // FULL makes every commit durable against power loss, not only against a crash of the
  // process; grouped commits keep it fast.
  bool synchronous_full = true;
  int max_readers = 8;
};

// Opens (creating if needed) an SQLite database in WAL mode: one writer connection used by
// one transaction at a time, and a pool of reader connections.
std::unique_ptr<database> open_sqlite(const std::filesystem::path& file,
                                      sqlite_options options = {});

// Rewrites $1, $2 … placeholders into SQLite's ?1, ?2 … outside string literals.
std::string sqlite_placeholders(std::string_view sql);

}  // namespace ps::db
