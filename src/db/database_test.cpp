// The contract of db::database, on the engine the tests run on: SQLite, or PostgreSQL when
// PETITESALLE_TEST_POSTGRES is set (scripts/test.sh runs the unit tests on both).
#include "db/database.hpp"

#include <gtest/gtest.h>

#include <future>

#include "db/migrations.hpp"
#include "testing/test_app.hpp"

namespace ps::db {
namespace {

class DatabaseContract : public ::testing::Test {
 protected:
  testing::temp_dir dir;
  std::optional<scratch_database> scratch;
  std::unique_ptr<database> db = testing::open_test_database(dir.path(), scratch);
  void SetUp() override {
    db->write([](transaction& tx) {
      tx.execute_script(for_dialect("CREATE TABLE t (id {{id}}, v TEXT UNIQUE)", tx.kind()));
    });
  }
  std::int64_t count() {
    return db->read([](session& s) { return s.query_one("SELECT COUNT(*) FROM t")->integer(0); });
  }
};

TEST_F(DatabaseContract, BindsAndReadsEveryType) {
  auto r = db->read([](session& s) {
    return *s.query_one("SELECT $1, $2, $3, CAST($4 AS TEXT), 1 = 1", std::int64_t{7}, 2.5, "x",
                        nullptr);
  });
  EXPECT_EQ(r.integer(0), 7);
  EXPECT_EQ(r.text(2), "x");
  EXPECT_TRUE(r.is_null(3));
  EXPECT_FALSE(r.maybe_integer(3).has_value());
  EXPECT_TRUE(r.boolean(4));  // a boolean reads as 1 on both engines
}

TEST_F(DatabaseContract, CommitsAndRunsAfterCommitInOrder) {
  std::vector<int> order;
  db->write([&](transaction& tx) {
    tx.execute("INSERT INTO t (v) VALUES ($1)", "a");
    tx.after_commit([&] { order.push_back(1); });
    tx.after_commit([&] { order.push_back(2); });
  });
  EXPECT_EQ(count(), 1);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST_F(DatabaseContract, FailedResultRollsBackAndSkipsAfterCommit) {
  bool ran = false;
  result<int> r = db->write([&](transaction& tx) -> result<int> {
    tx.execute("INSERT INTO t (v) VALUES ($1)", "a");
    tx.after_commit([&] { ran = true; });
    return errors::forbidden();
  });
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(count(), 0);
  EXPECT_FALSE(ran);
}

// write_then: the reply comes after the commit, through the continuation, with what the work
// returned; a refused or failed write leaves nothing behind.
TEST_F(DatabaseContract, QueuedWriteRepliesAfterItsCommitThroughTheContinuation) {
  std::promise<result<std::int64_t>> replied;
  int handed_over = 0;
  db->write_then(
      [](transaction& tx) -> result<std::int64_t> {
        tx.execute("INSERT INTO t (v) VALUES ($1)", "a");
        return tx.query_one("SELECT COUNT(*) FROM t")->integer(0);
      },
      [&](result<std::int64_t> r) { replied.set_value(std::move(r)); },
      [&](std::function<void()> work) {
        ++handed_over;
        work();
      });
  auto r = replied.get_future().get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 1);
  EXPECT_EQ(handed_over, 1);
  EXPECT_EQ(count(), 1);  // committed before the reply
}

TEST_F(DatabaseContract, QueuedWriteThatFailsOrThrowsRollsBackAndSaysSo) {
  std::promise<result<int>> refused, thrown;
  db->write_then(
      [](transaction& tx) -> result<int> {
        tx.execute("INSERT INTO t (v) VALUES ($1)", "a");
        return errors::forbidden();
      },
      [&](result<int> r) { refused.set_value(std::move(r)); });
  db->write_then(
      [](transaction& tx) -> result<int> {
        tx.execute("INSERT INTO t (v) VALUES ($1)", "b");
        throw std::runtime_error("boom");
      },
      [&](result<int> r) { thrown.set_value(std::move(r)); });
  auto a = refused.get_future().get(), b = thrown.get_future().get();
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, error_code::forbidden);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, error_code::internal);
  EXPECT_EQ(count(), 0);
  const auto counts = db->counts();
  EXPECT_GE(counts.writes, 2u);
  EXPECT_GE(counts.writes, counts.commits);
}

TEST_F(DatabaseContract, ExceptionRollsBack) {
  EXPECT_THROW(db->write([](transaction& tx) {
    tx.execute("INSERT INTO t (v) VALUES ($1)", "a");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(count(), 0);
}

TEST_F(DatabaseContract, UniqueViolationIsAConstraintViolation) {
  db->write([](transaction& tx) { tx.execute("INSERT INTO t (v) VALUES ($1)", "a"); });
  EXPECT_THROW(db->write([](transaction& tx) { tx.execute("INSERT INTO t (v) VALUES ($1)", "a"); }),
               constraint_violation);
  EXPECT_EQ(count(), 1);
}

// Pipelined statements (sent without waiting for their answer on PostgreSQL): the next statement
// sees them, and their errors belong to the job that sent them, even as its last statement.
TEST_F(DatabaseContract, PipelinedStatementsAreSeenByTheNextStatementAndCommitted) {
  auto seen = db->write([](transaction& tx) {
    tx.execute_pipelined("INSERT INTO t (v) VALUES ($1)", "a");
    tx.execute_pipelined("INSERT INTO t (v) VALUES ($1)", "b");
    return tx.query_one("SELECT COUNT(*) FROM t")->integer(0);
  });
  EXPECT_EQ(seen, 2);
  db->write([](transaction& tx) { tx.execute_pipelined("INSERT INTO t (v) VALUES ($1)", "c"); });
  EXPECT_EQ(count(), 3);
}

TEST_F(DatabaseContract, APipelinedStatementsErrorFailsItsOwnJobOnly) {
  db->write([](transaction& tx) { tx.execute("INSERT INTO t (v) VALUES ($1)", "taken"); });
  // Queued back to back so that they share a group: the failing job's error is thrown by the
  // statement after it (second) or when the job ends (third), and the jobs around it commit.
  std::promise<result<int>> first, second, third, fourth;
  auto insert_then = [&](std::promise<result<int>>& done, std::string v, bool then_query) {
    db->write_then(
        [v, then_query](transaction& tx) -> result<int> {
          tx.execute_pipelined("INSERT INTO t (v) VALUES ($1)", v);
          if (then_query) tx.query("SELECT COUNT(*) FROM t");
          return 1;
        },
        [&done](result<int> r) { done.set_value(std::move(r)); });
  };
  insert_then(first, "a", false);
  insert_then(second, "taken", true);
  insert_then(third, "taken", false);
  insert_then(fourth, "d", false);
  EXPECT_TRUE(first.get_future().get().ok());
  EXPECT_FALSE(second.get_future().get().ok());
  EXPECT_FALSE(third.get_future().get().ok());
  EXPECT_TRUE(fourth.get_future().get().ok());
  EXPECT_EQ(count(), 3);  // taken, a, d
  // A waiting write sees the constraint as such.
  EXPECT_THROW(db->write([](transaction& tx) {
    tx.execute_pipelined("INSERT INTO t (v) VALUES ($1)", "taken");
  }),
               constraint_violation);
  EXPECT_EQ(count(), 3);
}

TEST_F(DatabaseContract, BadSqlIsAnError) {
  EXPECT_THROW(db->read([](session& s) { s.query("SELEKT 1"); }), error);
}

TEST(Migrations, ApplyOnceAndAreRecorded) {
  testing::temp_dir dir;
  std::optional<scratch_database> scratch;
  auto db = testing::open_test_database(dir.path(), scratch);
  const auto all = ps::migrations();
  EXPECT_EQ(migrate(*db, all), static_cast<int>(all.size()));
  EXPECT_EQ(migrate(*db, all), 0);
  auto version = db->read([](session& s) {
    return s.query_one("SELECT MAX(version) FROM schema_migrations")->integer(0);
  });
  EXPECT_EQ(version, all.back().version);
}

TEST(Migrations, AnUpgradeAppliesOnlyTheCapabilitiesStepsItLacks) {
  testing::temp_dir dir;
  std::optional<scratch_database> scratch;
  auto db = testing::open_test_database(dir.path(), scratch);
  const auto all = ps::migrations();
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(migrate(*db, foundation_migrations()), 1);  // a database from before the others
  EXPECT_EQ(migrate(*db, all), static_cast<int>(all.size()) - 1);
}

}  // namespace
}  // namespace ps::db
