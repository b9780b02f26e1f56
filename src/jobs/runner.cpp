#include "jobs/runner.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "db/database.hpp"
#include "jobs/store.hpp"

namespace ps::jobs {
namespace {
// How long a node holds a job it runs before another may take it: a run is one transaction,
// seconds at most; a node that dies holding one lets it lapse.
constexpr millis lease_ms = 5 * 60 * 1000;
constexpr millis first_retry_ms = 30 * 1000;
constexpr int batch = 20;
constexpr millis keep_done_ms = 7LL * 24 * 60 * 60 * 1000;
}  // namespace

void schedule(db::transaction& tx, const std::string& kind, const std::string& key,
              const std::string& payload, millis due_at, millis now) {
  store::upsert(tx, kind, key, payload, due_at, now);
}

void ensure(db::transaction& tx, const std::string& kind, const std::string& key, millis due_at,
            millis now) {
  store::insert_if_absent(tx, kind, key, due_at, now);
}

bool cancel(db::transaction& tx, const std::string& kind, const std::string& key, millis now) {
  return store::remove_idle(tx, kind, key, now);
}

gauges count(db::session& s, millis now) {
  const auto g = store::count(s, now);
  gauges out;
  out.due = g.due;
  out.running = g.running;
  out.scheduled = g.scheduled;
  out.failed = g.failed;
  return out;
}

runner::runner(db::database& db, const clock& clock, std::string node, int poll_ms)
    : db_(db), clock_(clock), node_(std::move(node)), poll_ms_(std::max(10, poll_ms)) {}

runner::~runner() {
  stop();
}

void runner::handle(std::string kind, handler fn) {
  handlers_[std::move(kind)] = std::move(fn);
}

void runner::start() {
  // What this node held when it stopped (a crash in the middle of a run, rolled back) is due
  // again now rather than when its lease ends.
  const auto released =
      db_.write([&](db::transaction& tx) { return store::release_claims(tx, node_); });
  if (released > 0) spdlog::info("jobs: {} job(s) held before a restart are due again", released);
  db_.write(
      [&](db::transaction& tx) { store::forget_done_before(tx, clock_.now() - keep_done_ms); });
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void runner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int runner::run_due() {
  int runs = 0;
  while (run_one_batch(runs)) {
  }
  return runs;
}

bool runner::run_one_batch(int& runs) {
  const millis now = clock_.now();
  // Only the kinds this node handles: a newer node's kinds wait for it.
  std::string kinds;
  for (const auto& [kind, fn] : handlers_) kinds += (kinds.empty() ? "" : ",") + kind;
  if (kinds.empty()) return false;
  auto claimed = db_.write([&](db::transaction& tx) {
    return store::claim_due(tx, node_, kinds, now, now + lease_ms, batch);
  });
  if (claimed.empty()) return false;
  for (const auto& c : claimed) {
    const handler& fn = handlers_.at(c.kind);
    job j;
    j.id = c.id;
    j.key = c.key;
    j.payload = c.payload;
    j.attempts = c.attempts;
    try {
      db_.write([&](db::transaction& tx) {
        const outcome o = fn(tx, j);
        const millis at = clock_.now();
        if (o.again_at) {
          store::run_again(tx, c, node_, *o.again_at, o.payload);
        } else {
          store::mark_done(tx, c, node_, at);
        }
      });
    } catch (const std::exception& e) {
      const std::int64_t attempts = c.attempts + 1;
      const millis at = clock_.now();
      std::optional<millis> retry;
      if (attempts < max_attempts) retry = at + (first_retry_ms << (2 * (attempts - 1)));
      spdlog::warn("jobs: {} {} failed (attempt {}{}): {}", c.kind, c.key, attempts,
                   retry ? "" : ", given up", e.what());
      try {
        db_.write(
            [&](db::transaction& tx) { store::record_failure(tx, c, node_, e.what(), retry, at); });
      } catch (const std::exception& again) {
        // The database away: the claim lapses and the job runs again then.
        spdlog::warn("jobs: failure of {} {} not recorded: {}", c.kind, c.key, again.what());
      }
    }
    ++runs;
  }
  return true;
}

void runner::loop() {
  for (;;) {
    long wait_ms = poll_ms_;
    try {
      int runs = 0;
      while (run_one_batch(runs)) {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
      }
      // Sooner than the poll when a job falls due before it (one past due is running elsewhere,
      // or of a kind not ours: the poll it is).
      if (auto due = db_.read([](db::session& s) { return store::next_due(s); }))
        if (const millis in = *due - clock_.now(); in > 0) wait_ms = std::min<long>(in, poll_ms_);
    } catch (const std::exception& e) {
      spdlog::warn("jobs: {}", e.what());  // the database away: the next round tries again
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stopping_; })) return;
  }
}

}  // namespace ps::jobs
