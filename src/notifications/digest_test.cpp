// The digest of what a member missed (notifications/digest.hpp), on a temporary database
// (SQLite, or PostgreSQL when the run has one), through the real job runner and a manual clock.
#include "notifications/digest.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chat/service.hpp"
#include "communities/service.hpp"
#include "db/database.hpp"
#include "invitations/service.hpp"
#include "jobs/runner.hpp"
#include "notifications/settings.hpp"
#include "notifications/store.hpp"
#include "push/store.hpp"
#include "testing/test_app.hpp"

namespace ps::notifications {
namespace {

constexpr millis hour = 60LL * 60 * 1000;
constexpr millis day = 24 * hour;

class Digest : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");
  caller bea = t.person("Bea", locale::en);
  caller max = t.person("Max");
  caller eve = t.person("Eve");
  std::string slug = t.community(ana, "La Fanfare");
  std::string elsewhere = t.community(eve, "Ailleurs");
  std::int64_t room = 0, other_room = 0;
  jobs::runner runner{*t.db, t.clock, "node-a"};

  void SetUp() override {
    for (const caller* who : {&bea, &max}) {
      auto inv = invitations::create_invitation(a(), ana, slug, {});
      ASSERT_TRUE(invitations::accept_invitation(a(), *who, inv->code).ok());
    }
    room = chat::create_channel(a(), ana, slug, "général", "chat")->id;
    other_room = chat::create_channel(a(), eve, elsewhere, "secret", "chat")->id;
    add_digest_job(runner, a());
    runner.run_due();  // the first sweep, now: nobody is away yet
  }
  void post(const caller& who, std::int64_t in, const std::string& text) {
    t.clock.advance(1000);
    ASSERT_TRUE(chat::post_message(a(), who, in, {text, {}, {}}).ok());
  }
  // The clock moved to 08:10 in Toronto, `days` days after the test's start (09:33 there).
  void morning_after(int days) {
    const millis target = testing::test_epoch + days * day - (hour + 23 * 60 * 1000);
    if (target > t.clock.now()) t.clock.advance(target - t.clock.now());
  }
  std::vector<std::pair<std::string, std::string>> digests() {
    return a().db.read([&](db::session& s) {
      std::vector<std::pair<std::string, std::string>> out;
      for (const auto& r : s.query("SELECT recipient, body FROM outbox WHERE subject IN ('What you "
                                   "missed in Petite Salle', 'Ce que tu as manqué dans Petite "
                                   "Salle') ORDER BY id"))
        out.emplace_back(r.text(0), r.text(1));
      return out;
    });
  }
};

TEST_F(Digest, AMemberAwayForDaysGetsWhatTheyMissedAtEightOnce) {
  post(ana, room, "Répétition jeudi");
  post(ana, room, "Apportez vos partitions");
  post(ana, room, "Et du café");
  post(eve, other_room, "Bea cannot see this room");
  morning_after(4);
  runner.run_due();
  const auto sent = digests();
  ASSERT_EQ(sent.size(), 2u) << "Bea and Max: Ana wrote them";
  EXPECT_EQ(sent[0].first, "bea@example.com");
  EXPECT_EQ(sent[1].first, "max@example.com");
  EXPECT_NE(sent[1].second.find("Bonjour Max,"), std::string::npos);
  EXPECT_NE(sent[0].second.find("Hello Bea,"), std::string::npos);
  EXPECT_NE(sent[0].second.find("3 new messages"), std::string::npos) << sent[0].second;
  EXPECT_NE(sent[0].second.find("#général: 3 messages"), std::string::npos);
  EXPECT_EQ(sent[0].second.find("secret"), std::string::npos) << "a room Bea may not see";
  // The sweeps of the same morning send nothing more.
  t.clock.advance(15 * 60 * 1000);
  runner.run_due();
  t.clock.advance(15 * 60 * 1000);
  runner.run_due();
  EXPECT_EQ(digests().size(), 2u);
}

TEST_F(Digest, OffDailyActiveAndNothingNewMeanNoEmail) {
  // Max says no; Bea was in the app yesterday.
  a().db.write([&](db::transaction& tx) {
    settings off;
    off.digest = missed_digest::off;
    store::save_settings(tx, max.account_id, off);
  });
  post(ana, room, "Répétition jeudi");
  morning_after(4);
  const std::int64_t bea_id = bea.account_id;
  a().db.write([&](db::transaction& tx) {
    push::store::mark_active(tx, "node-a", std::span<const std::int64_t>(&bea_id, 1),
                             t.clock.now() - day);
  });
  runner.run_due();
  EXPECT_TRUE(digests().empty());
  // At 10:00 nothing goes either, even for someone owed one: it waits for the next 8:00.
  morning_after(7);
  post(ana, room, "Nouveau");
  morning_after(8);
  t.clock.advance(2 * hour);
  runner.run_due();
  EXPECT_TRUE(digests().empty());
  morning_after(9);
  runner.run_due();
  ASSERT_EQ(digests().size(), 1u);
  EXPECT_EQ(digests()[0].first, "bea@example.com");
}

TEST_F(Digest, WeeklyUnlessDailyIsChosen) {
  a().db.write([&](db::transaction& tx) {
    settings daily;
    daily.digest = missed_digest::daily;
    store::save_settings(tx, bea.account_id, daily);
  });
  post(ana, room, "Un");
  morning_after(4);
  runner.run_due();
  ASSERT_EQ(digests().size(), 2u);  // Bea and Max
  post(ana, room, "Deux");
  post(max, room, "Trois");
  morning_after(5);
  runner.run_due();
  const auto sent = digests();
  ASSERT_EQ(sent.size(), 4u)
      << "Bea daily; Ana's first, for Max's message; not Max within his week";
  EXPECT_EQ(sent[2].first, "ana@example.com");
  EXPECT_EQ(sent[3].first, "bea@example.com");
  EXPECT_NE(sent[3].second.find("#général: 2 messages"), std::string::npos) << "only what is new";
  morning_after(6);
  post(max, room, "Quatre");
  morning_after(7);
  runner.run_due();
  ASSERT_EQ(digests().size(), 5u) << "Bea again; Ana and Max not within their week";
  EXPECT_EQ(digests()[4].first, "bea@example.com");
}

TEST(DigestSettings, ReadAndChangedLikeTheOthers) {
  settings s;
  EXPECT_EQ(to_json(s)["digest"], "weekly");
  auto changed = updated(s, nlohmann::json{{"digest", "daily"}});
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->digest, missed_digest::daily);
  EXPECT_FALSE(updated(s, nlohmann::json{{"digest", "hourly"}}).ok());
}

}  // namespace
}  // namespace ps::notifications
