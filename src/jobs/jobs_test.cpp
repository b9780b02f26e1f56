// Scheduled work on a temporary database (SQLite, or PostgreSQL when the run has one): a job
// runs once when due, moves when scheduled again, is retried with back-off then given up, is
// claimed by one of two nodes, and is found again after a crash.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

#include "db/database.hpp"
#include "jobs/runner.hpp"
#include "jobs/store.hpp"
#include "testing/test_app.hpp"

namespace ps::jobs {
namespace {

class Jobs : public ::testing::Test {
 protected:
  testing::test_app t;
  db::database& db() { return *t.db; }
  void schedule_at(const std::string& key, millis at, const std::string& payload = "") {
    db().write(
        [&](db::transaction& tx) { schedule(tx, "test.kind", key, payload, at, t.clock.now()); });
  }
  gauges now_counts() {
    return db().read([&](db::session& s) { return count(s, t.clock.now()); });
  }
  std::optional<store::job_row> row(const std::string& key) {
    return db().read(
        [&](db::session& s) { return store::find(s, "test.kind", key, t.clock.now()); });
  }
};

TEST_F(Jobs, RunsOnceWhenDueAndItsWritesCommitWithIt) {
  runner r(db(), t.clock, "node-a");
  int runs = 0;
  std::string seen;
  r.handle("test.kind", [&](db::transaction&, const job& j) {
    ++runs;
    seen = j.payload;
    return outcome::done();
  });
  schedule_at("a", t.clock.now() + 60'000, "{\"x\":1}");
  EXPECT_EQ(r.run_due(), 0);  // not due yet
  EXPECT_EQ(now_counts().scheduled, 1);
  t.clock.advance(60'000);
  EXPECT_EQ(now_counts().due, 1);
  EXPECT_EQ(r.run_due(), 1);
  EXPECT_EQ(seen, "{\"x\":1}");
  EXPECT_EQ(r.run_due(), 0);  // never twice
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(row("a")->done_at.has_value());
  EXPECT_EQ(now_counts().due + now_counts().scheduled, 0);
}

TEST_F(Jobs, SchedulingAgainMovesTheJobInsteadOfAddingOne) {
  runner r(db(), t.clock, "node-a");
  std::vector<std::string> payloads;
  r.handle("test.kind", [&](db::transaction&, const job& j) {
    payloads.push_back(j.payload);
    return outcome::done();
  });
  schedule_at("a", t.clock.now() + 1'000, "first");
  schedule_at("a", t.clock.now() + 5'000, "second");
  t.clock.advance(1'000);
  EXPECT_EQ(r.run_due(), 0) << "moved later: not due at the first time";
  t.clock.advance(4'000);
  EXPECT_EQ(r.run_due(), 1);
  ASSERT_EQ(payloads.size(), 1u);
  EXPECT_EQ(payloads[0], "second");
  // Done, then scheduled again under the same key: it runs again.
  schedule_at("a", t.clock.now(), "third");
  EXPECT_EQ(r.run_due(), 1);
  EXPECT_EQ(payloads.back(), "third");
}

TEST_F(Jobs, CancelRemovesAnIdleJob) {
  runner r(db(), t.clock, "node-a");
  int runs = 0;
  r.handle("test.kind", [&](db::transaction&, const job&) {
    ++runs;
    return outcome::done();
  });
  schedule_at("a", t.clock.now());
  EXPECT_TRUE(
      db().write([&](db::transaction& tx) { return cancel(tx, "test.kind", "a", t.clock.now()); }));
  EXPECT_FALSE(
      db().write([&](db::transaction& tx) { return cancel(tx, "test.kind", "a", t.clock.now()); }));
  EXPECT_EQ(r.run_due(), 0);
  EXPECT_EQ(runs, 0);
}

TEST_F(Jobs, AFailedRunRollsBackAndIsRetriedWithBackOffThenGivenUp) {
  runner r(db(), t.clock, "node-a");
  int runs = 0;
  r.handle("test.kind", [&](db::transaction& tx, const job&) -> outcome {
    ++runs;
    schedule(tx, "test.other", "written-by-a-failed-run", "", 0, 0);
    throw std::runtime_error("the relay is away");
  });
  schedule_at("a", t.clock.now());
  EXPECT_EQ(r.run_due(), 1);
  auto j = row("a");
  EXPECT_EQ(j->attempts, 1);
  EXPECT_EQ(j->last_error, "the relay is away");
  EXPECT_EQ(j->due_at, t.clock.now() + 30'000);
  EXPECT_FALSE(db().read([&](db::session& s) {
    return store::find(s, "test.other", "written-by-a-failed-run", t.clock.now()).has_value();
  })) << "what the failed run wrote is rolled back";
  // 30 s, 2 min, 8, 32, 128 later: five retries, then given up.
  for (const millis wait : {30'000LL, 120'000LL, 480'000LL, 1'920'000LL, 7'680'000LL}) {
    EXPECT_EQ(r.run_due(), 0);
    t.clock.advance(wait);
    EXPECT_EQ(r.run_due(), 1);
  }
  EXPECT_EQ(runs, runner::max_attempts);
  j = row("a");
  EXPECT_TRUE(j->failed_at.has_value());
  EXPECT_EQ(now_counts().failed, 1);
  t.clock.advance(24LL * 3600 * 1000);
  EXPECT_EQ(r.run_due(), 0);
}

TEST_F(Jobs, LongWorkRunsInPartsCarryingItsPayload) {
  runner r(db(), t.clock, "node-a");
  std::vector<std::string> seen;
  r.handle("test.kind", [&](db::transaction&, const job& j) {
    seen.push_back(j.payload);
    if (j.payload.size() < 3) return outcome::again(t.clock.now(), j.payload + "x");
    return outcome::done();
  });
  schedule_at("a", t.clock.now(), "");
  EXPECT_EQ(r.run_due(), 4);
  EXPECT_EQ(seen, (std::vector<std::string>{"", "x", "xx", "xxx"}));
}

TEST_F(Jobs, TwoNodesClaimEachJobOnce) {
  runner a(db(), t.clock, "node-a");
  runner b(db(), t.clock, "node-b");
  std::atomic<int> runs{0};
  const auto count_run = [&](db::transaction&, const job&) {
    runs.fetch_add(1);
    return outcome::done();
  };
  a.handle("test.kind", count_run);
  b.handle("test.kind", count_run);
  for (int i = 0; i < 60; ++i) schedule_at("k" + std::to_string(i), t.clock.now());
  std::thread other([&] { b.run_due(); });
  a.run_due();
  other.join();
  EXPECT_EQ(runs.load(), 60);
}

TEST_F(Jobs, AKindNobodyHandlesWaitsForItsNode) {
  runner r(db(), t.clock, "node-a");
  r.handle("test.known", [](db::transaction&, const job&) { return outcome::done(); });
  schedule_at("a", t.clock.now());
  EXPECT_EQ(r.run_due(), 0);
  EXPECT_EQ(now_counts().due, 1);
}

TEST_F(Jobs, AJobHeldByACrashedNodeIsGivenBackAtItsRestart) {
  // A node claims a job, then dies before its run commits: the claim is a row, the run's
  // transaction never happened.
  const millis now = t.clock.now();
  schedule_at("a", now);
  db().write([&](db::transaction& tx) {
    return store::claim_due(tx, "node-a", "test.kind", now, now + 300'000, 10);
  });
  EXPECT_EQ(now_counts().running, 1);
  runner other(db(), t.clock, "node-b");
  int runs = 0;
  other.handle("test.kind", [&](db::transaction&, const job&) {
    ++runs;
    return outcome::done();
  });
  EXPECT_EQ(other.run_due(), 0) << "another node waits for the lease";
  runner restarted(db(), t.clock, "node-a");
  restarted.handle("test.kind", [&](db::transaction&, const job&) {
    ++runs;
    return outcome::done();
  });
  restarted.start();  // gives back what node-a held
  for (int i = 0; i < 500 && runs == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  restarted.stop();
  EXPECT_EQ(runs, 1);
}

TEST_F(Jobs, ALapsedLeaseLetsAnotherNodeRunIt) {
  const millis now = t.clock.now();
  schedule_at("a", now);
  db().write([&](db::transaction& tx) {
    return store::claim_due(tx, "node-a", "test.kind", now, now + 300'000, 10);
  });
  runner other(db(), t.clock, "node-b");
  int runs = 0;
  other.handle("test.kind", [&](db::transaction&, const job&) {
    ++runs;
    return outcome::done();
  });
  t.clock.advance(300'001);
  EXPECT_EQ(other.run_due(), 1);
  EXPECT_EQ(runs, 1);
}

TEST_F(Jobs, TheThreadRunsJobsWhenTheyFallDue) {
  runner r(db(), t.clock, "node-a", 20);
  std::atomic<int> runs{0};
  r.handle("test.kind", [&](db::transaction&, const job&) {
    runs.fetch_add(1);
    return outcome::done();
  });
  r.start();
  schedule_at("a", t.clock.now() + 1'000);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(runs.load(), 0);
  t.clock.advance(1'000);
  for (int i = 0; i < 500 && runs.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  r.stop();
  EXPECT_EQ(runs.load(), 1);
}

}  // namespace
}  // namespace ps::jobs
