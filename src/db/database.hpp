#pragma once
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/continuation.hpp"
#include "core/result.hpp"

// The one narrow interface every store talks to. Only db/ knows which engine runs: stores
// write portable SQL with $1, $2 … placeholders and never see a sqlite3* or a PGconn*.
namespace ps::db {

using value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

// Anything a store passes as a statement parameter.
struct param {
  value v;
  param(std::nullptr_t) : v(nullptr) {}
  param(std::int64_t i) : v(i) {}
  param(int i) : v(static_cast<std::int64_t>(i)) {}
  param(bool b) : v(static_cast<std::int64_t>(b ? 1 : 0)) {}
  param(double d) : v(d) {}
  param(std::string s) : v(std::move(s)) {}
  param(std::string_view s) : v(std::string(s)) {}
  param(const char* s) : v(std::string(s)) {}
  template <class T>
  param(const std::optional<T>& o) : v(nullptr) {
    if (o) v = param(*o).v;
  }
};

// One result row; columns by position, in the order of the SELECT.
class row {
 public:
  explicit row(std::vector<value> columns) : columns_(std::move(columns)) {}
  bool is_null(std::size_t i) const {
    return std::holds_alternative<std::nullptr_t>(columns_.at(i));
  }
  std::int64_t integer(std::size_t i) const;
  std::optional<std::int64_t> maybe_integer(std::size_t i) const;
  bool boolean(std::size_t i) const { return integer(i) != 0; }
  const std::string& text(std::size_t i) const;
  std::optional<std::string> maybe_text(std::size_t i) const;
  std::size_t size() const { return columns_.size(); }
  // The column as it came, whatever its type: for code that passes values on (db/copy.cpp).
  const value& at(std::size_t i) const { return columns_.at(i); }

 private:
  std::vector<value> columns_;
};

enum class dialect { sqlite, postgresql };

// A database failure that is not the caller's fault (disk full, corrupt file, a bug in SQL).
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The database server cannot be reached (PostgreSQL restarting, its network gone): nothing of
// the failed work was committed, and requests answer 503 database_unavailable until it is back.
class unavailable : public error {
 public:
  using error::error;
};

// A UNIQUE or foreign-key constraint refused a write: often a race the service can name
// (two people taking the same slug at once).
class constraint_violation : public error {
 public:
  using error::error;
};

// A connection in use by one thread at a time.
class session {
 public:
  virtual ~session() = default;
  virtual std::vector<row> query_params(std::string_view sql, std::span<const param> params) = 0;
  // Returns the number of rows changed.
  virtual std::int64_t execute_params(std::string_view sql, std::span<const param> params) = 0;
  virtual dialect kind() const = 0;
  // Runs several statements without parameters: for migrations only.
  virtual void execute_script(std::string_view sql) = 0;

  template <class... A>
  std::vector<row> query(std::string_view sql, const A&... args) {
    const param params[] = {param(args)..., param(nullptr)};
    return query_params(sql, std::span<const param>(params, sizeof...(A)));
  }
  template <class... A>
  std::optional<row> query_one(std::string_view sql, const A&... args) {
    auto rows = query(sql, args...);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  }
  template <class... A>
  std::int64_t execute(std::string_view sql, const A&... args) {
    const param params[] = {param(args)..., param(nullptr)};
    return execute_params(sql, std::span<const param>(params, sizeof...(A)));
  }

  // A statement whose answer nothing needs at once (an UPDATE of a counter read back next, an
  // INSERT of a row nobody reads in this job). An engine across a network sends it and goes on
  // without waiting (PostgreSQL's pipeline mode); its answer arrives with the next statement's.
  // Its error, if any, is thrown by that next statement or by settle(). SQLite runs it at once.
  virtual void execute_pipelined_params(std::string_view sql, std::span<const param> params) {
    execute_params(sql, params);
  }
  // Waits for the answers to every pipelined statement; throws the first error among them.
  virtual void settle() {}

  template <class... A>
  void execute_pipelined(std::string_view sql, const A&... args) {
    const param params[] = {param(args)..., param(nullptr)};
    execute_pipelined_params(sql, std::span<const param>(params, sizeof...(A)));
  }
};

// A write transaction. Work registered with after_commit runs once the commit is durable,
// in registration order, before the next transaction starts: that is how events are published
// in the same order as the writes that caused them.
class transaction : public session {
 public:
  // `announcing`: whether other nodes may listen (transaction::announce is kept, not dropped).
  explicit transaction(session& inner, bool announcing = false)
      : inner_(inner), announcing_(announcing) {}
  std::vector<row> query_params(std::string_view sql, std::span<const param> params) override {
    return inner_.query_params(sql, params);
  }
  std::int64_t execute_params(std::string_view sql, std::span<const param> params) override {
    return inner_.execute_params(sql, params);
  }
  void execute_pipelined_params(std::string_view sql, std::span<const param> params) override {
    inner_.execute_pipelined_params(sql, params);
  }
  void settle() override { inner_.settle(); }
  dialect kind() const override { return inner_.kind(); }
  void execute_script(std::string_view sql) override { inner_.execute_script(sql); }
  void after_commit(std::function<void()> work) { after_commit_.push_back(std::move(work)); }
  std::vector<std::function<void()>> take_after_commit() { return std::move(after_commit_); }
  // A short message (at most max_announcement bytes) for the other nodes that share this
  // database, sent with the commit: on PostgreSQL a NOTIFY, delivered only if the transaction
  // commits and in the order of the commits; on SQLite nothing, this node being the only one.
  void announce(std::string message) {
    if (announcing_) announcements_.push_back(std::move(message));
  }
  // False with one node (SQLite): callers may skip composing what nobody would receive.
  bool announcing() const { return announcing_; }
  std::vector<std::string> take_announcements() { return std::move(announcements_); }

 private:
  session& inner_;
  bool announcing_;
  std::vector<std::function<void()>> after_commit_;
  std::vector<std::string> announcements_;
};

// A write that the writer may run together with others of its kind (the posts of a group), in
// one set of statements instead of one set each (docs/subsystems/database.md, "Writes run
// together"). The concrete class holds its own outcome.
class batched_write {
 public:
  virtual ~batched_write() = default;
  // Runs it by itself, as any queued write: returns whether to keep what it wrote.
  virtual bool run_alone(transaction& tx) = 0;
};

// Runs several batched_writes of its kind at once, in queue order. Each keeps its own outcome:
// one refused (no access, a retried client_id) writes nothing of its own and does not stop the
// others. When run_together throws, the writer rolls back what it wrote and runs each write
// alone instead, with the per-write retry: a batch is never worse than its writes one by one.
class write_batcher {
 public:
  virtual ~write_batcher() = default;
  virtual void run_together(transaction& tx, std::span<batched_write* const> writes) const = 0;
};

// The most writes handed to one run_together (longer runs are cut): what a batch's statements
// are written for (db/sql_lists.hpp).
inline constexpr std::size_t max_batch = 64;

// PostgreSQL's NOTIFY carries at most 8,000 bytes; announcements stay well under, with room for
// the node's name in front.
inline constexpr std::size_t max_announcement = 7'000;

template <class T>
struct is_result : std::false_type {};
template <class T>
struct is_result<result<T>> : std::true_type {};

// A pool of connections to one database.
class database {
 public:
  virtual ~database() = default;
  virtual dialect kind() const = 0;

  // Runs fn(session&) on a reader connection and returns what it returns.
  template <class F>
  auto read(F&& fn) {
    using R = std::invoke_result_t<F, session&>;
    if constexpr (std::is_void_v<R>) {
      run_read([&](session& s) { fn(s); });
    } else {
      std::optional<R> out;
      run_read([&](session& s) { out.emplace(fn(s)); });
      return std::move(*out);
    }
  }

  // Runs fn(transaction&) in a write transaction. It commits when fn returns, and rolls back
  // when fn throws or returns a failed result<T>: a service's early return leaves no half-write.
  template <class F>
  auto write(F&& fn) {
    using R = std::invoke_result_t<F, transaction&>;
    if constexpr (std::is_void_v<R>) {
      run_write([&](transaction& t) {
        fn(t);
        return true;
      });
    } else {
      std::optional<R> out;
      run_write([&](transaction& t) {
        out.emplace(fn(t));
        if constexpr (is_result<R>::value) return out->ok();
        return true;
      });
      return std::move(*out);
    }
  }

  // Queues fn like write() and returns at once: `done` gets what fn returned once its group has
  // committed (or the error that stopped it), on the thread `continue_on` hands it to, or on the
  // writer's when none is given. For the hot write paths of the network threads, which must not
  // wait: no thread is parked on the commit, and the only hand-overs are to the writer and back.
  // fn returns a result<T>.
  template <class F, class Done>
  void write_then(F fn, Done done, continuation continue_on = {}) {
    using R = std::invoke_result_t<F, transaction&>;
    static_assert(is_result<R>::value, "write_then's work returns a result<T>");
    auto out = std::make_shared<std::optional<R>>();
    queue_write(
        [fn = std::move(fn), out](transaction& t) {
          out->emplace(fn(t));
          return out->value().ok();
        },
        [out, done = std::move(done),
         continue_on = std::move(continue_on)](std::exception_ptr failure) {
          if (failure || !*out) out->emplace(failure_of(failure));
          auto finish = [out, done] { done(std::move(**out)); };
          if (continue_on)
            continue_on(std::move(finish));
          else
            finish();
        });
  }

  // As write_then, for a write that may run together with the writes of the same batcher
  // queued next to it (write_batcher). W is a batched_write with `std::optional<R> out`, R a
  // result<T>, which its runs fill; `done` gets it once the group has committed.
  template <class W, class Done>
  void write_batched_then(const write_batcher& kind, std::shared_ptr<W> w, Done done,
                          continuation continue_on = {}) {
    queue_batched(kind, w,
                  [w, done = std::move(done),
                   continue_on = std::move(continue_on)](std::exception_ptr failure) {
                    if (failure || !w->out) w->out.emplace(failure_of(failure));
                    auto finish = [w, done] { done(std::move(*w->out)); };
                    if (continue_on)
                      continue_on(std::move(finish));
                    else
                      finish();
                  });
  }

  // Queues a write and returns at once, without waiting for its commit: for bookkeeping that
  // must not slow the request that causes it (a token's last use). Failures are only logged.
  virtual void write_later(std::function<void(transaction&)> fn) = 0;

  // How the writer has grouped the writes so far: writes / commits is the mean group size.
  struct write_counts {
    std::uint64_t commits = 0;
    std::uint64_t writes = 0;
    std::uint64_t batched = 0;  // of the writes, those run together with others
  };
  virtual write_counts counts() const = 0;

  // The reader connections: open now, of which idle, and the most there may be.
  struct pool_counts {
    int open = 0;
    int idle = 0;
    int max = 0;
  };
  virtual pool_counts pool() const = 0;

  // Whether other nodes may write this database at the same time (PostgreSQL).
  virtual bool has_other_nodes() const { return false; }
  // What the other nodes announced (transaction::announce, announce_now), handed to
  // `on_message` on a thread of the database's, one at a time, in the order of their commits;
  // never this node's own. Before serving; an empty function stops listening (before whatever
  // `on_message` uses goes away). Nothing ever arrives on SQLite.
  virtual void listen(std::function<void(std::string_view message)> on_message) {
    (void)on_message;
  }
  // Announces at once, outside any transaction: for what is not written (typing notices).
  // Queued, never waited for; dropped on SQLite.
  virtual void announce_now(std::string message) { (void)message; }
  // Milliseconds between the commit of the latest announcement from another node and its
  // arrival here (for /metrics); 0 when none came.
  // From another node's commit to its announcement arriving here: quantiles over the last
  // announcements received, sum and count since start (several nodes on PostgreSQL; zero
  // otherwise).
  struct lag_summary {
    double p50_ms = 0, p99_ms = 0, sum_ms = 0;
    std::uint64_t count = 0;
  };
  virtual lag_summary announcement_lag() const { return {}; }

  // Whether the database answers now (for /healthz): false when it cannot be reached.
  bool answers();

  // Copies the live database into a file (online backup); SQLite only.
  virtual void backup_to(const std::string& path) = 0;

 protected:
  virtual void run_read(const std::function<void(session&)>& fn) = 0;
  // fn returns whether to commit.
  virtual void run_write(const std::function<bool(transaction&)>& fn) = 0;
  // fn returns whether to commit; finished(nullptr) once committed, or with the failure.
  virtual void queue_write(std::function<bool(transaction&)> fn,
                           std::function<void(std::exception_ptr)> finished) = 0;
  // As queue_write, for a write that may run with its neighbours of the same kind.
  virtual void queue_batched(const write_batcher& kind, std::shared_ptr<batched_write> write,
                             std::function<void(std::exception_ptr)> finished) = 0;
  // Logs a failure and names it for the caller: database_unavailable (503) when the database
  // could not be reached, else an internal error.
  static api_error failure_of(std::exception_ptr failure);
};

}  // namespace ps::db
