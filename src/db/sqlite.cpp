#include "db/sqlite.hpp"

#include <sqlite3.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "db/pooled.hpp"

namespace ps::db {

std::string sqlite_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '?';
      continue;
    }
    out += c;
  }
  return out;
}

namespace {

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  const int primary = rc & 0xff;
  if (primary == SQLITE_CONSTRAINT) throw constraint_violation(message);
  throw error(message);
}

struct statement_deleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using statement_ptr = std::unique_ptr<sqlite3_stmt, statement_deleter>;

// One SQLite connection with its cache of prepared statements (every query is prepared once
// per connection and reused).
class sqlite_session final : public detail::connection {
 public:
  sqlite_session(const std::filesystem::path& file, const sqlite_options& options) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) fail(raw, rc, "opening " + file.string());
    sqlite3_busy_timeout(db_.get(), 10000);
    sqlite3_extended_result_codes(db_.get(), 1);
    execute_script("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;");
    execute_script(options.synchronous_full ? "PRAGMA synchronous=FULL;"
                                            : "PRAGMA synchronous=NORMAL;");
  }

  std::vector<row> query_params(std::string_view sql, std::span<const param> params) override {
    sqlite3_stmt* stmt = prepare(sql, params);
    std::vector<row> rows;
    const int columns = sqlite3_column_count(stmt);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<value> values;
      values.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) values.push_back(column(stmt, c));
      rows.emplace_back(std::move(values));
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) fail(db_.get(), rc, "query");
    return rows;
  }

  std::int64_t execute_params(std::string_view sql, std::span<const param> params) override {
    sqlite3_stmt* stmt = prepare(sql, params);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) fail(db_.get(), rc, "execute");
    return sqlite3_changes64(db_.get());
  }

  void execute_script(std::string_view sql) override {
    std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      std::string what = message ? message : "script failed";
      sqlite3_free(message);
      if ((rc & 0xff) == SQLITE_CONSTRAINT) throw constraint_violation(what);
      throw error(what);
    }
  }

  dialect kind() const override { return dialect::sqlite; }
  void begin_group() override { execute("BEGIN IMMEDIATE"); }
  sqlite3* handle() const { return db_.get(); }

 private:
  struct connection_closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };

  sqlite3_stmt* prepare(std::string_view sql, std::span<const param> params) {
    auto it = cache_.find(sql);  // by string_view: no copy of the SQL text per statement
    if (it == cache_.end()) {
      const std::string rewritten = sqlite_placeholders(sql);
      sqlite3_stmt* raw = nullptr;
      const int rc =
          sqlite3_prepare_v3(db_.get(), rewritten.c_str(), static_cast<int>(rewritten.size()),
                             SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
      if (rc != SQLITE_OK) fail(db_.get(), rc, "preparing: " + rewritten);
      it = cache_.emplace(std::string(sql), statement_ptr(raw)).first;
    }
    sqlite3_stmt* stmt = it->second.get();
    sqlite3_clear_bindings(stmt);
    for (std::size_t i = 0; i < params.size(); ++i)
      bind(stmt, static_cast<int>(i + 1), params[i].v);
    return stmt;
  }

  void bind(sqlite3_stmt* stmt, int index, const value& v) {
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::nullptr_t>(v))
      rc = sqlite3_bind_null(stmt, index);
    else if (auto i = std::get_if<std::int64_t>(&v))
      rc = sqlite3_bind_int64(stmt, index, *i);
    else if (auto d = std::get_if<double>(&v))
      rc = sqlite3_bind_double(stmt, index, *d);
    else {
      const auto& s = std::get<std::string>(v);
      rc = sqlite3_bind_text64(stmt, index, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    if (rc != SQLITE_OK) fail(db_.get(), rc, "binding parameter");
  }

  static value column(sqlite3_stmt* stmt, int c) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_NULL:
        return nullptr;
      case SQLITE_INTEGER:
        return static_cast<std::int64_t>(sqlite3_column_int64(stmt, c));
      case SQLITE_FLOAT:
        return sqlite3_column_double(stmt, c);
      default: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, c)));
      }
    }
  }

  // Declared first so it is destroyed last, after the statements that belong to it.
  std::unique_ptr<sqlite3, connection_closer> db_;
  std::unordered_map<std::string, statement_ptr, detail::sql_hash, std::equal_to<>> cache_;
};

// SQLite with one writer connection and a pool of readers (WAL mode lets them read while it
// writes).
class sqlite_database final : public detail::pooled_database {
 public:
  sqlite_database(const std::filesystem::path& file, sqlite_options options)
      : pooled_database(
            [file, options] { return std::make_unique<sqlite_session>(file, options); },
            options.max_readers) {}

  dialect kind() const override { return dialect::sqlite; }

  void backup_to(const std::string& path) override {
    sqlite3* target = nullptr;
    int rc = sqlite3_open(path.c_str(), &target);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> guard(target, &sqlite3_close);
    if (rc != SQLITE_OK) fail(target, rc, "opening backup file " + path);
    auto reader = lease_reader();
    sqlite3* source = static_cast<sqlite_session&>(*reader).handle();
    sqlite3_backup* backup = sqlite3_backup_init(target, "main", source, "main");
    if (!backup) fail(target, sqlite3_errcode(target), "starting backup");
    // Copy in steps so a busy writer is never locked out for the whole copy.
    while ((rc = sqlite3_backup_step(backup, 256)) == SQLITE_OK || rc == SQLITE_BUSY ||
           rc == SQLITE_LOCKED) {
      if (rc != SQLITE_OK) sqlite3_sleep(5);
    }
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) fail(target, rc, "backup");
  }
};

}  // namespace

std::unique_ptr<database> open_sqlite(const std::filesystem::path& file, sqlite_options options) {
  return std::make_unique<sqlite_database>(file, options);
}

}  // namespace ps::db
