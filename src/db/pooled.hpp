#pragma once
// What the SQLite and the PostgreSQL backends share, internal to db/: one writer connection that
// commits the queued writes in groups, and a bounded pool of reader connections.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "db/database.hpp"

namespace ps::db::detail {

// One connection of an engine, with what the pool needs to know of it.
class connection : public session {
 public:
  // Opens the write transaction of a group ("BEGIN IMMEDIATE" on SQLite).
  virtual void begin_group() = 0;
  // Whether a job that failed this way may succeed if run once more at once: another node
  // committed the same row first, or the engine chose this transaction as a deadlock's victim.
  // Never on SQLite, where one writer does every write.
  virtual bool worth_retrying(const std::exception& failure) const {
    (void)failure;
    return false;
  }
  // A connection that lost its server is replaced before its next use.
  virtual bool broken() const { return false; }
  // Sends the group's announcements inside its transaction, just before the commit.
  virtual void send_announcements(const std::vector<std::string>& messages) { (void)messages; }
};

// Looks prepared statements up by the SQL's text without copying it.
struct sql_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
};

using connection_factory = std::function<std::unique_ptr<connection>()>;

// The single writer commits in groups: write() calls queue their work; the writer thread takes
// everything queued, runs each piece in its own SAVEPOINT inside one transaction, and commits
// once. A durable commit costs an fsync (milliseconds) or a round trip to the database server,
// so grouping is what lets many concurrent posts be acknowledged durably without waiting for
// one commit each.
class pooled_database : public database {
 public:
  pooled_database(connection_factory open, int max_readers);
  ~pooled_database() override;  // writes what is queued, then stops the writer
  pooled_database(const pooled_database&) = delete;
  pooled_database& operator=(const pooled_database&) = delete;

  write_counts counts() const override {
    return {commits_.load(std::memory_order_relaxed), writes_.load(std::memory_order_relaxed),
            batched_.load(std::memory_order_relaxed)};
  }
  void write_later(std::function<void(transaction&)> fn) override;
  pool_counts pool() const override;

 protected:
  // A reader connection borrowed from the pool and given back by the destructor.
  class reader_lease {
   public:
    reader_lease(pooled_database* owner, std::unique_ptr<connection> c)
        : owner_(owner), connection_(std::move(c)) {}
    reader_lease(reader_lease&&) = default;
    ~reader_lease() {
      if (connection_) owner_->give_back(std::move(connection_));
    }
    connection& operator*() const { return *connection_; }
    connection* operator->() const { return connection_.get(); }

   private:
    pooled_database* owner_;
    std::unique_ptr<connection> connection_;
  };
  reader_lease lease_reader();

  void run_read(const std::function<void(session&)>& fn) override;
  void run_write(const std::function<bool(transaction&)>& fn) override;
  void queue_write(std::function<bool(transaction&)> fn,
                   std::function<void(std::exception_ptr)> finished) override;
  void queue_batched(const write_batcher& kind, std::shared_ptr<batched_write> write,
                     std::function<void(std::exception_ptr)> finished) override;

 private:
  struct write_job;
  static constexpr std::size_t max_group = 512;

  void enqueue(write_job* job);
  static void finish(write_job* job, std::exception_ptr failure);
  void writer_loop();
  void commit_group(const std::vector<write_job*>& group);
  // Runs one job in its own savepoint; false when it was rolled back.
  struct group_effects {
    std::vector<std::function<void()>> after_commit;
    std::vector<std::string> announcements;
  };
  bool run_job(write_job& job, group_effects& effects);
  // Runs neighbouring jobs of one batcher together in one savepoint; false when that failed
  // and was rolled back (the jobs are then run one by one).
  bool run_batch(std::span<write_job* const> jobs, group_effects& effects);
  void give_back(std::unique_ptr<connection> c);

  connection_factory open_;
  int max_readers_;
  std::unique_ptr<connection> writer_;  // used only by writer_thread_
  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<write_job*> queue_;
  bool stopping_ = false;
  mutable std::mutex readers_mutex_;
  std::condition_variable readers_free_;
  std::vector<std::unique_ptr<connection>> idle_readers_;
  int open_readers_ = 0;
  std::atomic<std::uint64_t> commits_{0}, writes_{0}, batched_{0};
  std::thread writer_thread_;  // last: started once everything above exists
};

}  // namespace ps::db::detail
