#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "db/database.hpp"

namespace ps::db {

struct postgresql_options {
  // Reader connections of this node; with the writer, what it holds of PostgreSQL's
  // max_connections (100 by default).
  int max_readers = 8;
};

// Whether a --database value names a PostgreSQL server (postgresql:// or postgres://).
bool is_postgresql_url(std::string_view url);

// Connects to PostgreSQL through libpq: one writer connection committing in groups, and a pool
// of readers, used from the writer's and the blocking pool's threads, never from the network's.
// Throws db::unavailable when the server cannot be reached.
std::unique_ptr<database> open_postgresql(const std::string& url, postgresql_options options = {});

// An empty database on the server of `admin_url`, made for one test and dropped (with whatever
// still connects to it) when this goes away.
class scratch_database {
 public:
  explicit scratch_database(const std::string& admin_url);
  ~scratch_database();
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;
  const std::string& url() const { return url_; }

 private:
  std::string admin_url_, name_, url_;
};

// `url` naming another database of the same server.
std::string with_database_name(std::string_view url, std::string_view name);

// The URL without its password, for logs and /healthz.
std::string redacted_url(std::string_view url);

}  // namespace ps::db
