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
};

TEST_F(SqliteFixture, BackupCopiesTheDatabase) {
  db->write([](transaction& tx) { tx.execute("INSERT INTO t (v) VALUES ($1)", "kept"); });
  const auto copy = dir.path() / "copy.db";
  db->backup_to(copy.string());
  auto other = open_sqlite(copy);
  EXPECT_EQ(other->read([](session& s) { return s.query_one("SELECT v FROM t")->text(0); }),
            "kept");
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
