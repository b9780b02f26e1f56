#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/clock.hpp"

namespace ps::db {
class database;
class transaction;
class session;
}  // namespace ps::db

// Scheduled work, durable: a newsletter to send at 8:00 in the community's zone, later a
// reminder or a digest. Nothing is a timer held only in memory: a job is a row (jobs/store.hpp),
// written in the transaction of the change that asks for it, claimed by one node at a time with
// a lease, run in a transaction that also marks it done (so its database effects happen once),
// retried with back-off when it throws, and found again after a restart or a crash.
namespace ps::jobs {

// A job as its handler sees it.
struct job {
  std::int64_t id = 0;
  std::string key;
  std::string payload;
  std::int64_t attempts = 0;  // failed runs before this one
};

// What a run asks for next: done, or to run again at `at` with `payload` (long work in parts:
// each part one transaction, so the writer is never held for long).
struct outcome {
  std::optional<millis> again_at;
  std::string payload;
  static outcome done() { return {}; }
  static outcome again(millis at, std::string payload) { return {at, std::move(payload)}; }
};

// Runs inside the job's transaction. Throwing rolls back what it wrote, and the job is retried.
using handler = std::function<outcome(db::transaction& tx, const job& j)>;

// Adds the job `kind`/`key` due at `due_at`, or moves the existing one there (with the new
// payload), in the caller's transaction.
void schedule(db::transaction& tx, const std::string& kind, const std::string& key,
              const std::string& payload, millis due_at, millis now);
// Adds the job unless one of that kind and key exists (running, done or failed alike): for work
// that reschedules itself forever (a sweep), made at a node's start.
void ensure(db::transaction& tx, const std::string& kind, const std::string& key, millis due_at,
            millis now);
// Removes a job unless it is running; false when there was none or it is running.
bool cancel(db::transaction& tx, const std::string& kind, const std::string& key, millis now);

struct gauges {
  std::int64_t due = 0;        // due now, not yet taken
  std::int64_t running = 0;    // taken by a node, lease not over
  std::int64_t scheduled = 0;  // due later
  std::int64_t failed = 0;     // given up on after the last retry
};
gauges count(db::session& s, millis now);

class runner {
 public:
  static constexpr int max_attempts = 6;  // then failed: 30 s, 2 min, 8, 32, ~2 h between
  // `node`: this node's lasting name. `poll_ms`: how often to look for due jobs.
  runner(db::database& db, const clock& clock, std::string node, int poll_ms = 1000);
  ~runner();  // stops
  runner(const runner&) = delete;
  runner& operator=(const runner&) = delete;

  // Before start(): who runs each kind. A due job of a kind nobody handles waits.
  void handle(std::string kind, handler fn);
  void start();
  void stop();
  // Runs, on the calling thread, what is due now (tests); returns how many runs there were.
  int run_due();

 private:
  void loop();
  bool run_one_batch(int& runs);

  db::database& db_;
  const clock& clock_;
  std::string node_;
  int poll_ms_;
  std::map<std::string, handler> handlers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ps::jobs
