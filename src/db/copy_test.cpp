// copy-database (issue 11): an SQLite data set with every kind of row, made by the services,
// copied into a fresh PostgreSQL database; then the services on the copy. The copies run when
// PETITESALLE_TEST_POSTGRES names a server (scripts/test.sh's second pass).
#include "db/copy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "accounts/service.hpp"
#include "chat/service.hpp"
#include "communities/service.hpp"
#include "invitations/service.hpp"
#include "testing/test_app.hpp"

namespace ps::db {
namespace {

constexpr std::string_view password = "un mot de passe sûr";  // test_app::person's

TEST(CopyDatabaseRefuses, ATargetThatIsNotPostgresql) {
  testing::temp_dir dir;
  auto from = open_sqlite(dir.path() / "from.db");
  auto to = open_sqlite(dir.path() / "to.db");
  migrate(*from, ps::migrations());
  EXPECT_THROW(copy_database(*from, *to, ps::migrations()), copy_refused);
}

// A value as text that says its type too ("int 3" is not "text 3"): rows of them sort.
std::string shown(const value& v) {
  if (std::holds_alternative<std::nullptr_t>(v)) return "NULL";
  if (auto i = std::get_if<std::int64_t>(&v)) return "int " + std::to_string(*i);
  if (auto d = std::get_if<double>(&v)) return "real " + std::to_string(*d);
  return "text " + std::get<std::string>(v);
}

// Every row of a table, columns in the source's order, sorted here (the two engines sort text
// by different collations).
std::vector<std::vector<std::string>> contents(database& db, const std::string& table,
                                               const std::vector<std::string>& columns) {
  std::string list;
  for (const auto& c : columns) list += (list.empty() ? "" : ", ") + c;
  auto rows = db.read([&](session& s) { return s.query("SELECT " + list + " FROM " + table); });
  std::vector<std::vector<std::string>> out;
  for (const auto& r : rows) {
    std::vector<std::string> values;
    for (std::size_t i = 0; i < r.size(); ++i) values.push_back(shown(r.at(i)));
    out.push_back(std::move(values));
  }
  std::ranges::sort(out);
  return out;
}

std::int64_t largest_id(database& db, const std::string& table) {
  return db.read([&](session& s) {
    return s.query_one("SELECT COALESCE(MAX(id), 0) FROM " + table)->integer(0);
  });
}

class CopyDatabase : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::testing_on_postgresql()) GTEST_SKIP() << "PETITESALLE_TEST_POSTGRES is not set";
    source.emplace(open_sqlite(source_dir.path() / "petitesalle.db"));
    target.emplace(std::getenv("PETITESALLE_TEST_POSTGRES"));
    fill();
  }

  app& a() { return source->app(); }

  // A community's life, through the services: every table gets rows.
  void fill() {
    source->cfg.test_room_kinds = true;
    ana = source->person("Ana");
    bea = source->person("Bea");
    hugo = source->person("Hugo");
    max = source->person("Max");
    slug = source->community(ana);
    for (const caller* who : {&bea, &hugo, &max}) {
      auto inv = invitations::create_invitation(a(), ana, slug, {});
      ASSERT_TRUE(inv.ok());
      ASSERT_TRUE(invitations::accept_invitation(a(), *who, inv->code).ok());
    }
    ASSERT_TRUE(invitations::create_invitation(a(), ana, slug, {5, 48, "pour les voisins"}).ok());
    ASSERT_TRUE(communities::change_role(a(), ana, slug, hugo.account_id, "host").ok());
    ASSERT_TRUE(communities::remove_member(a(), ana, slug, max.account_id).ok());

    auto c = chat::create_channel(a(), ana, slug, "général", "chat");
    ASSERT_TRUE(c.ok());
    general = c->id;
    auto room = chat::create_channel(a(), ana, slug, "coulisses",
                                     std::string(chat::test_private_kind), {bea.account_id});
    ASSERT_TRUE(room.ok());

    auto first = chat::post_message(a(), ana, general, {"Bonjour **tout le monde**", {}, "c-1"});
    ASSERT_TRUE(first.ok());
    auto second = chat::post_message(a(), bea, general, {"Salut", {}, {}});
    ASSERT_TRUE(second.ok());
    ASSERT_TRUE(chat::post_message(a(), hugo, general, {"Une réponse", first->id, {}}).ok());
    auto gone = chat::post_message(a(), ana, general, {"Oups", {}, {}});
    ASSERT_TRUE(gone.ok());
    ASSERT_TRUE(chat::post_message(a(), bea, room->id, {"Entre nous", {}, {}}).ok());
    ASSERT_TRUE(chat::edit_message(a(), bea, second->id, "Salut à tous").ok());
    ASSERT_TRUE(chat::delete_message(a(), ana, gone->id).ok());
    ASSERT_TRUE(chat::react(a(), bea, first->id, "👍", true).ok());
    ASSERT_TRUE(chat::react(a(), hugo, first->id, "🎉", true).ok());
    ASSERT_TRUE(chat::mark_read(a(), bea, general, second->seq).ok());

    ASSERT_TRUE(accounts::create_token(a(), ana, "script").ok());
    ASSERT_TRUE(accounts::send_login_link(a(), "bea@example.com", "10.0.0.1").ok());
    ASSERT_TRUE(accounts::log_in(a(), "ana@example.com", std::string(password), "10.0.0.2").ok());
  }

  testing::temp_dir source_dir;
  std::optional<testing::test_app> source;  // on SQLite, whatever the run's engine
  std::optional<scratch_database> target;
  caller ana, bea, hugo, max;
  std::string slug;
  std::int64_t general = 0;
};

TEST_F(CopyDatabase, CopiesEveryRowOfEveryTable) {
  auto to = open_postgresql(target->url(), postgresql_options{2});
  const auto report = copy_database(*source->db, *to, ps::migrations());

  // Every table of the source but schema_migrations and the full-text index's (virtual and
  // shadow tables, which PostgreSQL replaces by its indexes), each with its rows, all of them.
  std::vector<std::string> tables;
  source->db->read([&](session& s) {
    for (const auto& r : s.query("SELECT name FROM pragma_table_list WHERE schema = 'main' AND "
                                 "type = 'table' AND name NOT LIKE 'sqlite%' AND name <> "
                                 "'schema_migrations'"))
      tables.push_back(r.text(0));
  });
  std::vector<std::string> reported;
  for (const auto& t : report.tables) reported.push_back(t.name);
  EXPECT_EQ(std::set<std::string>(reported.begin(), reported.end()),
            std::set<std::string>(tables.begin(), tables.end()));
  for (const std::string table :
       {"accounts", "sessions", "personal_tokens", "login_links", "communities", "memberships",
        "invitations", "removals", "channels", "channel_participants", "messages", "reactions",
        "read_markers", "outbox", "events"})
    EXPECT_TRUE(std::ranges::any_of(report.tables,
                                    [&](const auto& t) { return t.name == table && t.rows > 0; }))
        << table << " copied no rows";
  // Parents before children: accounts before what points at them, messages after channels.
  auto position = [&](const std::string& name) {
    return std::ranges::find(reported, name) - reported.begin();
  };
  EXPECT_LT(position("accounts"), position("communities"));
  EXPECT_LT(position("channels"), position("messages"));
  EXPECT_LT(position("messages"), position("reactions"));

  // Row for row, value for value.
  for (const auto& table : tables) {
    std::vector<std::string> columns;
    source->db->read([&](session& s) {
      for (const auto& c : s.query("SELECT name FROM pragma_table_info($1) ORDER BY cid", table))
        columns.push_back(c.text(0));
    });
    EXPECT_EQ(contents(*source->db, table, columns), contents(*to, table, columns)) << table;
  }
  const auto version = [](database& db) {
    return db.read([](session& s) {
      return s.query_one("SELECT MAX(version) FROM schema_migrations")->integer(0);
    });
  };
  EXPECT_EQ(version(*source->db), version(*to));
}

TEST_F(CopyDatabase, TheServicesWorkOnTheCopyAndNewRowsGetTheNextIds) {
  auto to = open_postgresql(target->url(), postgresql_options{2});
  copy_database(*source->db, *to, ps::migrations());
  std::map<std::string, std::int64_t> largest;
  for (const std::string table : {"accounts", "sessions", "messages", "channels", "invitations"})
    largest[table] = largest_id(*source->db, table);
  const auto before = chat::history(a(), bea, general, {});
  ASSERT_TRUE(before.ok());
  const auto members_before = communities::list_members(a(), ana, slug);
  ASSERT_TRUE(members_before.ok());

  testing::test_app copy(std::move(to));
  app& on_copy = copy.app();
  // The same history, reactions, edits and deletions included, and the same members.
  const auto after = chat::history(on_copy, bea, general, {});
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), before->size());
  for (std::size_t i = 0; i < after->size(); ++i) {
    const auto &was = (*before)[i], &is = (*after)[i];
    EXPECT_EQ(is.id, was.id);
    EXPECT_EQ(is.seq, was.seq);
    EXPECT_EQ(is.body, was.body);
    EXPECT_EQ(is.html, was.html);
    EXPECT_EQ(is.parent_id, was.parent_id);
    EXPECT_EQ(is.reply_count, was.reply_count);
    EXPECT_EQ(is.edited_at, was.edited_at);
    EXPECT_EQ(is.deleted_at, was.deleted_at);
    EXPECT_EQ(is.reactions.size(), was.reactions.size());
  }
  const auto members = communities::list_members(on_copy, ana, slug);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), members_before->size());
  for (std::size_t i = 0; i < members->size(); ++i) {
    EXPECT_EQ((*members)[i].account_id, (*members_before)[i].account_id);
    EXPECT_EQ((*members)[i].member_number, (*members_before)[i].member_number);
  }

  // New rows come after the copied ones: the identity sequences were moved past them.
  auto posted = chat::post_message(on_copy, bea, general, {"Après la copie", {}, {}});
  ASSERT_TRUE(posted.ok());
  EXPECT_GT(posted->id, largest["messages"]);
  EXPECT_EQ(posted->seq, before->back().seq + 1);
  auto logged_in = accounts::log_in(on_copy, "hugo@example.com", std::string(password), "10.0.0.3");
  ASSERT_TRUE(logged_in.ok()) << "the password copied with its hash";
  EXPECT_EQ(logged_in->acct.id, hugo.account_id);
  EXPECT_GT(copy.db->read(
                [](session& s) { return s.query_one("SELECT MAX(id) FROM sessions")->integer(0); }),
            largest["sessions"]);
  const caller zoe = copy.person("Zoe");
  EXPECT_GT(zoe.account_id, largest["accounts"]);
  auto channel = chat::create_channel(on_copy, ana, slug, "après", "chat");
  ASSERT_TRUE(channel.ok());
  EXPECT_GT(channel->id, largest["channels"]);
  auto inv = invitations::create_invitation(on_copy, ana, slug, {});
  ASSERT_TRUE(inv.ok());
  EXPECT_GT(inv->id, largest["invitations"]);
  ASSERT_TRUE(invitations::accept_invitation(on_copy, zoe, inv->code).ok());
}

TEST_F(CopyDatabase, ASecondCopyIntoTheSameTargetIsRefusedAndChangesNothing) {
  auto to = open_postgresql(target->url(), postgresql_options{2});
  const auto first = copy_database(*source->db, *to, ps::migrations());
  EXPECT_THROW(copy_database(*source->db, *to, ps::migrations()), copy_refused);
  for (const auto& t : first.tables)
    EXPECT_EQ(to->read([&](session& s) {
      return s.query_one("SELECT COUNT(*) FROM " + t.name)->integer(0);
    }),
              t.rows)
        << t.name;
}

TEST_F(CopyDatabase, ASourceThatIsNoPetiteSalleDatabaseIsRefusedBeforeAnythingIsWritten) {
  auto stranger = open_sqlite(source_dir.path() / "other.db");
  stranger->write([](transaction& tx) { tx.execute_script("CREATE TABLE notes (body TEXT)"); });
  auto to = open_postgresql(target->url(), postgresql_options{2});
  EXPECT_THROW(copy_database(*stranger, *to, ps::migrations()), copy_refused);
  EXPECT_EQ(to->read([](session& s) {
    return s
        .query_one(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
            "current_schema()")
        ->integer(0);
  }),
            0);
}

// The shapes the copy must handle beyond today's data set, in tables of a schema of this test's:
// several pages of rows, a table keyed by two columns without a rowid, a table without a
// primary key (paged by rowid), a table that points at itself and sorts before its parent by
// name, NULLs first in a column, reals, an empty table with an identity.
constexpr std::string_view shapes_schema = R"sql(
CREATE TABLE parents (id {{id}}, name TEXT NOT NULL);
CREATE TABLE children (
  id {{id}},
  parent_id BIGINT NOT NULL REFERENCES parents(id),
  up BIGINT REFERENCES children(id),
  note TEXT,
  score DOUBLE PRECISION
);
CREATE TABLE pairs (a BIGINT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)){{without_rowid}};
CREATE TABLE loose (k TEXT, v BIGINT);
CREATE TABLE empties (id {{id}}, x TEXT);
)sql";
constexpr migration shapes[] = {{1, "shapes", shapes_schema}};

TEST(CopyDatabaseShapes, PagesKeysWithoutRowidsTablesWithoutKeysAndSequences) {
  if (!testing::testing_on_postgresql()) GTEST_SKIP() << "PETITESALLE_TEST_POSTGRES is not set";
  testing::temp_dir dir;
  auto from = open_sqlite(dir.path() / "petitesalle.db");
  migrate(*from, shapes);
  constexpr int n = 2'345;  // more than two pages of 1,000
  from->write([&](transaction& tx) {
    for (int i = 1; i <= 3; ++i)
      tx.execute("INSERT INTO parents (id, name) VALUES ($1, $2)", i * 10,
                 "parent 'n° " + std::to_string(i));
    for (int i = 1; i <= n; ++i) {
      const std::optional<std::int64_t> up =
          i == 1 ? std::nullopt : std::optional<std::int64_t>(i - 1);
      const std::optional<std::string> note =
          i % 3 == 1 ? std::nullopt : std::optional<std::string>("« " + std::to_string(i) + " »");
      tx.execute(
          "INSERT INTO children (id, parent_id, up, note, score) VALUES ($1, $2, $3, $4, $5)", i,
          (i % 3 + 1) * 10, up, note, i * 0.25);
      tx.execute("INSERT INTO pairs (a, b) VALUES ($1, $2)", i % 47, "b" + std::to_string(i));
      tx.execute("INSERT INTO loose (k, v) VALUES ($1, $2)",
                 i % 5 == 0 ? param(nullptr) : param("k" + std::to_string(i % 7)), i);
    }
  });
  std::optional<scratch_database> target;
  target.emplace(std::getenv("PETITESALLE_TEST_POSTGRES"));
  auto to = open_postgresql(target->url(), postgresql_options{2});
  const auto report = copy_database(*from, *to, shapes);

  std::vector<std::string> order;
  for (const auto& t : report.tables) order.push_back(t.name);
  EXPECT_EQ(order, (std::vector<std::string>{"empties", "loose", "pairs", "parents", "children"}));
  const std::map<std::string, std::vector<std::string>> columns = {
      {"parents", {"id", "name"}},
      {"children", {"id", "parent_id", "up", "note", "score"}},
      {"pairs", {"a", "b"}},
      {"loose", {"k", "v"}},
      {"empties", {"id", "x"}}};
  for (const auto& [table, cols] : columns) {
    const auto copied = contents(*to, table, cols);
    EXPECT_EQ(contents(*from, table, cols), copied) << table;
    EXPECT_EQ(copied.size(), table == "parents"   ? 3u
                             : table == "empties" ? 0u
                                                  : std::size_t{n})
        << table;
  }
  // The next ids follow the copied ones; an empty table starts at 1.
  to->write([&](transaction& tx) {
    EXPECT_EQ(tx.query_one("INSERT INTO parents (name) VALUES ('new') RETURNING id")->integer(0),
              31);
    EXPECT_EQ(tx.query_one("INSERT INTO children (parent_id) VALUES (10) RETURNING id")->integer(0),
              n + 1);
    EXPECT_EQ(tx.query_one("INSERT INTO empties (x) VALUES ('first') RETURNING id")->integer(0), 1);
  });
}

TEST(CopyDatabaseShapes, ACopyThatFailsLeavesTheTargetWithoutATableAndMayBeRunAgain) {
  if (!testing::testing_on_postgresql()) GTEST_SKIP() << "PETITESALLE_TEST_POSTGRES is not set";
  testing::temp_dir dir;
  auto from = open_sqlite(dir.path() / "petitesalle.db");
  migrate(*from, shapes);
  from->write([](transaction& tx) {
    for (int i = 1; i <= 1'500; ++i) tx.execute("INSERT INTO loose (k, v) VALUES ('k', $1)", i);
    // SQLite keeps text in an integer column when it is no number; PostgreSQL refuses it.
    tx.execute("INSERT INTO loose (k, v) VALUES ('k', 'not a number')");
  });
  std::optional<scratch_database> target;
  target.emplace(std::getenv("PETITESALLE_TEST_POSTGRES"));
  auto to = open_postgresql(target->url(), postgresql_options{2});
  EXPECT_THROW(copy_database(*from, *to, shapes), error);
  const auto tables = [&] {
    return to->read([](session& s) {
      return s
          .query_one(
              "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
              "current_schema()")
          ->integer(0);
    });
  };
  EXPECT_EQ(tables(), 0);

  from->write([](transaction& tx) { tx.execute("DELETE FROM loose WHERE v = 'not a number'"); });
  const auto report = copy_database(*from, *to, shapes);
  EXPECT_GT(tables(), 0);
  EXPECT_TRUE(std::ranges::any_of(
      report.tables, [](const auto& t) { return t.name == "loose" && t.rows == 1'500; }));
}

}  // namespace
}  // namespace ps::db
