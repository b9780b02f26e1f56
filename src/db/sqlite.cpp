#include "db/sqlite.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

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
class sqlite_session final : public session {
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
  struct sql_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };
  std::unordered_map<std::string, statement_ptr, sql_hash, std::equal_to<>> cache_;
};

// The single writer commits in groups: write() calls queue their work; the writer thread takes
// everything queued, runs each piece in its own SAVEPOINT inside one transaction, and commits
// once. With synchronous=FULL a commit costs an fsync (milliseconds), so grouping is what lets
// many concurrent posts be acknowledged durably without waiting for one fsync each.
class sqlite_database final : public database {
 public:
  sqlite_database(std::filesystem::path file, sqlite_options options)
      : file_(std::move(file)), options_(options), writer_(file_, options_) {
    writer_thread_ = std::thread([this] { writer_loop(); });
  }

  ~sqlite_database() override {
    {
      std::lock_guard lock(queue_mutex_);
      stopping_ = true;
    }
    queue_ready_.notify_all();
    writer_thread_.join();
  }

  dialect kind() const override { return dialect::sqlite; }

  write_counts counts() const override {
    return {commits_.load(std::memory_order_relaxed), writes_.load(std::memory_order_relaxed)};
  }

  void backup_to(const std::string& path) override {
    sqlite3* target = nullptr;
    int rc = sqlite3_open(path.c_str(), &target);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> guard(target, &sqlite3_close);
    if (rc != SQLITE_OK) fail(target, rc, "opening backup file " + path);
    auto reader = lease_reader();
    sqlite3_backup* backup = sqlite3_backup_init(target, "main", reader.session->handle(), "main");
    if (!backup) fail(target, sqlite3_errcode(target), "starting backup");
    // Copy in steps so a busy writer is never locked out for the whole copy.
    while ((rc = sqlite3_backup_step(backup, 256)) == SQLITE_OK || rc == SQLITE_BUSY ||
           rc == SQLITE_LOCKED) {
      if (rc != SQLITE_OK) sqlite3_sleep(5);
    }
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) fail(target, rc, "backup");
  }

 protected:
  void run_read(const std::function<void(session&)>& fn) override {
    auto lease = lease_reader();
    fn(*lease.session);
  }

  void write_later(std::function<void(transaction&)> fn) override {
    auto job = std::make_unique<write_job>();
    job->owned = [fn = std::move(fn)](transaction& tx) {
      fn(tx);
      return true;
    };
    job->fn = &job->owned;
    job->detached = true;
    enqueue(job.release());
  }

  void queue_write(std::function<bool(transaction&)> fn,
                   std::function<void(std::exception_ptr)> finished) override {
    auto job = std::make_unique<write_job>();
    job->owned = std::move(fn);
    job->fn = &job->owned;
    job->finished = std::move(finished);
    enqueue(job.release());
  }

  void run_write(const std::function<bool(transaction&)>& fn) override {
    // Work that writes again from inside a write would wait for itself forever.
    if (std::this_thread::get_id() == writer_thread_.get_id())
      throw std::logic_error("db::write called from inside a write");
    write_job job;
    job.fn = &fn;
    auto finished = job.done.get_future();
    enqueue(&job);
    finished.get();  // rethrows what the work threw, or the commit's failure
  }

 private:
  struct write_job {
    const std::function<bool(transaction&)>* fn = nullptr;
    std::promise<void> done;
    std::function<bool(transaction&)> owned;           // for queued jobs, which nobody waits for
    std::function<void(std::exception_ptr)> finished;  // queue_write's completion
    bool detached = false;
  };

  void enqueue(write_job* job) {
    {
      std::lock_guard lock(queue_mutex_);
      queue_.push_back(job);
    }
    queue_ready_.notify_one();
  }

  // Reports the outcome of a job: to its completion, to its waiting caller, or (for
  // write_later) to the log.
  static void finish(write_job* job, std::exception_ptr failure) {
    if (job->finished) {
      try {
        job->finished(failure);
      } catch (const std::exception& e) {
        spdlog::error("write completion failed: {}", e.what());
      }
      delete job;
      return;
    }
    if (job->detached) {
      if (failure) {
        try {
          std::rethrow_exception(failure);
        } catch (const std::exception& e) {
          spdlog::warn("background write failed: {}", e.what());
        }
      }
      delete job;
      return;
    }
    if (failure)
      job->done.set_exception(failure);
    else
      job->done.set_value();
  }
  static constexpr std::size_t max_group = 512;

  void writer_loop() {
    for (;;) {
      std::vector<write_job*> group;
      {
        std::unique_lock lock(queue_mutex_);
        queue_ready_.wait(lock, [&] { return !queue_.empty() || stopping_; });
        if (queue_.empty()) return;  // stopping, and nothing left to write
        while (!queue_.empty() && group.size() < max_group) {
          group.push_back(queue_.front());
          queue_.pop_front();
        }
      }
      commit_group(group);
    }
  }

  void commit_group(const std::vector<write_job*>& group) {
    std::vector<std::exception_ptr> failures(group.size());
    std::vector<std::function<void()>> after_commit;
    try {
      writer_.execute("BEGIN IMMEDIATE");
    } catch (...) {
      for (auto* job : group) finish(job, std::current_exception());
      return;
    }
    for (std::size_t i = 0; i < group.size(); ++i) {
      transaction tx(writer_);
      try {
        writer_.execute("SAVEPOINT job");
        if ((*group[i]->fn)(tx)) {
          writer_.execute("RELEASE job");
          for (auto& work : tx.take_after_commit()) after_commit.push_back(std::move(work));
        } else {
          writer_.execute("ROLLBACK TO job");
          writer_.execute("RELEASE job");
        }
      } catch (...) {
        failures[i] = std::current_exception();
        try {
          writer_.execute("ROLLBACK TO job");
          writer_.execute("RELEASE job");
        } catch (...) {
        }
      }
    }
    try {
      writer_.execute("COMMIT");
    } catch (...) {
      auto failure = std::current_exception();
      try {
        writer_.execute_script("ROLLBACK");
      } catch (...) {
      }
      for (auto* job : group) finish(job, failure);
      return;
    }
    commits_.fetch_add(1, std::memory_order_relaxed);
    writes_.fetch_add(group.size(), std::memory_order_relaxed);
    // Still on the writer, before the next group: events leave in commit order.
    for (auto& work : after_commit) {
      try {
        work();
      } catch (...) {
      }
    }
    for (std::size_t i = 0; i < group.size(); ++i) finish(group[i], failures[i]);
  }

 private:
  // A reader connection borrowed from the pool and returned by the destructor.
  struct reader_lease {
    sqlite_database* owner;
    std::unique_ptr<sqlite_session> session;
    reader_lease(sqlite_database* o, std::unique_ptr<sqlite_session> s)
        : owner(o), session(std::move(s)) {}
    reader_lease(reader_lease&&) = default;
    ~reader_lease() {
      if (session) owner->give_back(std::move(session));
    }
  };

  reader_lease lease_reader() {
    std::unique_lock lock(readers_mutex_);
    readers_free_.wait(
        lock, [&] { return !idle_readers_.empty() || open_readers_ < options_.max_readers; });
    if (!idle_readers_.empty()) {
      auto s = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader_lease(this, std::move(s));
    }
    ++open_readers_;
    lock.unlock();
    try {
      return reader_lease(this, std::make_unique<sqlite_session>(file_, options_));
    } catch (...) {
      std::lock_guard relock(readers_mutex_);
      --open_readers_;
      readers_free_.notify_one();
      throw;
    }
  }

  void give_back(std::unique_ptr<sqlite_session> s) {
    std::lock_guard lock(readers_mutex_);
    idle_readers_.push_back(std::move(s));
    readers_free_.notify_one();
  }

  std::filesystem::path file_;
  sqlite_options options_;
  sqlite_session writer_;  // used only by writer_thread_
  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<write_job*> queue_;
  bool stopping_ = false;
  std::mutex readers_mutex_;
  std::condition_variable readers_free_;
  std::vector<std::unique_ptr<sqlite_session>> idle_readers_;
  int open_readers_ = 0;
  std::atomic<std::uint64_t> commits_{0}, writes_{0};
  std::thread writer_thread_;  // last: started once everything above exists
};

}  // namespace

std::unique_ptr<database> open_sqlite(const std::filesystem::path& file, sqlite_options options) {
  return std::make_unique<sqlite_database>(file, options);
}

}  // namespace ps::db
