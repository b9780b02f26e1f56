#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/migrations.hpp"

// Moving up (issue 11): a whole SQLite database copied into an empty PostgreSQL one, for
// `petitesalle copy-database`. docs/subsystems/database.md says how.
namespace ps::db {

// A copy that was not made (a target that is not empty, a source that is no Petite Salle
// database) or whose verification failed; the message says which, for the operator.
class copy_refused : public error {
 public:
  using error::error;
};

// What a finished copy holds: each table, in the order it was copied, with its rows (the same
// count on both sides, verified after the commit).
struct copy_report {
  struct table {
    std::string name;
    std::int64_t rows = 0;
  };
  std::vector<table> tables;
};

// Copies every table of `from` (SQLite) into `to` (PostgreSQL, without any table yet), after
// bringing both to `schema` (ps::migrations()): the rows in pages, in an order that keeps the
// foreign keys, in one transaction on the target; then each identity sequence is moved past
// the copied ids, and the row counts of both sides are compared. Throws copy_refused (nothing
// written when the target is not empty) or db::error.
copy_report copy_database(database& from, database& to, std::span<const migration> schema);

}  // namespace ps::db
