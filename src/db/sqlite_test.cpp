#include "app/capabilities.hpp"
#include "db/sqlite.hpp"

#include <gtest/gtest.h>

#include <future>

#include "db/migrations.hpp"
#include "testing/test_app.hpp"

namespace ps::db {
namespace {

TEST(SqliteDatabase, RewritesPlaceholdersOutsideStrings) {
  EXPECT_EQ(sqlite_placeholders("SELECT $1, '$2', \"$3\", $10"), "SELECT ?1, '$2', \"$3\", ?10");
}

class SqliteFixture : public ::testing::Test {
 protected:
  testing::temp_dir dir;
  std::unique_ptr<database> db = open_sqlite(dir.path() / "t.db");
  void SetUp() override {
    db->write([](transaction& tx) {
      tx.execute_script("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
    });
  }
  std::int64_t count() {
    return db->read([](session& s) { return s.query_one("SELECT COUNT(*) FROM t")->integer(0); });
  }
};

TEST_F(SqliteFixture, BindsAndReadsEveryType) {
  auto r = db->read([](session& s) {
    return *s.query_one("SELECT $1, $2, $3, $4", std::int64_t{7}, 2.5, "x", nullptr);
  });
  EXPECT_EQ(r.integer(0), 7);
  EXPECT_EQ(r.text(2), "x");
  EXPECT_TRUE(r.is_null(3));
  EXPECT_FALSE(r.maybe_integer(3).has_value());
}

TEST_F(SqliteFixture, CommitsAndRunsAfterCommitInOrder) {
  std::vector<int> order;
  db->write([&](transaction& tx) {
    tx.execute("INSERT INTO t (v) VALUES ($1)", "a");
    tx.after_commit([&] { order.push_back(1); });
    tx.after_commit([&] { order.push_back(2); });
  });
  EXPECT_EQ(count(), 1);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST_F(SqliteFixture, FailedResultRollsBackAndSkipsAfterCommit) {
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
TEST_F(SqliteFixture, QueuedWriteRepliesAfterItsCommitThroughTheContinuation) {
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

TEST_F(SqliteFixture, QueuedWriteThatFailsOrThrowsRollsBackAndSaysSo) {
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

TEST_F(SqliteFixture, ExceptionRollsBack) {
  EXPECT_THROW(db->write([](transaction& tx) {
    tx.execute("INSERT INTO t (v) VALUES ($1)", "a");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(count(), 0);
}

TEST_F(SqliteFixture, UniqueViolationIsAConstraintViolation) {
  db->write([](transaction& tx) { tx.execute("INSERT INTO t (v) VALUES ($1)", "a"); });
  EXPECT_THROW(db->write([](transaction& tx) { tx.execute("INSERT INTO t (v) VALUES ($1)", "a"); }),
               constraint_violation);
  EXPECT_EQ(count(), 1);
}

TEST_F(SqliteFixture, BadSqlIsAnError) {
  EXPECT_THROW(db->read([](session& s) { s.query("SELEKT 1"); }), error);
}

TEST_F(SqliteFixture, BackupCopiesTheDatabase) {
  db->write([](transaction& tx) { tx.execute("INSERT INTO t (v) VALUES ($1)", "kept"); });
  const auto copy = dir.path() / "copy.db";
  db->backup_to(copy.string());
  auto other = open_sqlite(copy);
  EXPECT_EQ(other->read([](session& s) { return s.query_one("SELECT v FROM t")->text(0); }),
            "kept");
}

TEST(Migrations, ApplyOnceAndAreRecorded) {
  testing::temp_dir dir;
  auto db = open_sqlite(dir.path() / "m.db");
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
  auto db = open_sqlite(dir.path() / "m.db");
  const auto all = ps::migrations();
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(migrate(*db, foundation_migrations()), 1);  // a database from before the others
  EXPECT_EQ(migrate(*db, all), static_cast<int>(all.size()) - 1);
}

TEST(Migrations, TheCapabilitiesStepsFormOneSequenceByVersion) {
  constexpr migration a[] = {{1, "a", ""}, {3, "c", ""}};
  constexpr migration b[] = {{2, "b", ""}};
  const auto both = in_order({a, b});
  ASSERT_EQ(both.size(), 3u);
  EXPECT_EQ(both[1].name, "b");
  constexpr migration clash[] = {{3, "also three", ""}};
  EXPECT_THROW(in_order({a, clash}), std::logic_error);
  // What the server runs: versions 1, 2, 3… with no gap, whoever declared them.
  const auto all = ps::migrations();
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
}

TEST(Migrations, DialectWordsAreReplaced) {
  EXPECT_EQ(for_dialect("id {{id}},", dialect::sqlite), "id INTEGER PRIMARY KEY,");
  EXPECT_NE(for_dialect("id {{id}},", dialect::postgresql).find("IDENTITY"), std::string::npos);
}

}  // namespace
}  // namespace ps::db
