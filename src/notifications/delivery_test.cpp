// What reaches a member outside the app: their settings, quiet hours in their zone, the texts
// of a push, and the email of mentions and direct messages they have not seen (through the
// courier, on a temporary database).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chat/service.hpp"
#include "core/instants.hpp"
#include "invitations/service.hpp"
#include "notifications/courier.hpp"
#include "notifications/outside_texts.hpp"
#include "notifications/service.hpp"
#include "notifications/settings.hpp"
#include "push/store.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"

namespace ps::notifications {
namespace {

using ps::testing::fails_with;

millis at(const char* rfc3339) {
  return *instant_of(rfc3339, "UTC");
}

TEST(NotificationSettings, ChangeOnlyWhatIsGivenAndRefuseNonsense) {
  settings s;
  auto changed =
      updated(s, {{"email", "daily"}, {"quiet_hours", {{"start", "22:30"}, {"end", "07:00"}}}});
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->email, email_digest::daily);
  EXPECT_EQ(changed->quiet_start, 22 * 60 + 30);
  EXPECT_EQ(changed->quiet_end, 7 * 60);
  EXPECT_FALSE(changed->private_previews);
  const auto shown = to_json(*changed);
  EXPECT_EQ(shown["quiet_hours"]["start"], "22:30");
  EXPECT_EQ(shown["push_previews"], "full");
  EXPECT_EQ(shown["time_zone"], "America/Toronto");
  EXPECT_TRUE(updated(*changed, {{"quiet_hours", nullptr}})->quiet_start == std::nullopt);

  EXPECT_TRUE(fails_with(updated(s, {{"email", "weekly"}}), error_code::invalid_field, "email"));
  EXPECT_TRUE(fails_with(updated(s, {{"push_previews", true}}), error_code::invalid_field,
                         "push_previews"));
  EXPECT_TRUE(fails_with(updated(s, {{"time_zone", "Mars/Olympus"}}), error_code::invalid_field,
                         "time_zone"));
  EXPECT_TRUE(fails_with(updated(s, {{"quiet_hours", {{"start", "24:00"}, {"end", "07:00"}}}}),
                         error_code::invalid_field, "quiet_hours.start"));
  EXPECT_TRUE(fails_with(updated(s, {{"quiet_hours", {{"start", "7:00"}, {"end", "08:00"}}}}),
                         error_code::invalid_field, "quiet_hours.start"));
  EXPECT_TRUE(fails_with(updated(s, {{"quiet_hours", {{"start", "08:00"}, {"end", "08:00"}}}}),
                         error_code::invalid_field, "quiet_hours.end"));
}

TEST(NotificationSettings, QuietHoursAreTheMembersOwnClockAcrossMidnight) {
  settings s;
  s.quiet_start = 22 * 60;
  s.quiet_end = 7 * 60;
  s.time_zone = "America/Toronto";
  // 03:30 UTC on 15 January is 22:30 in Montréal (UTC−5).
  EXPECT_TRUE(in_quiet_hours(s, at("2027-01-15T03:30:00Z")));
  EXPECT_FALSE(in_quiet_hours(s, at("2027-01-15T02:30:00Z")));  // 21:30
  EXPECT_TRUE(in_quiet_hours(s, at("2027-01-15T11:59:00Z")));   // 06:59
  EXPECT_FALSE(in_quiet_hours(s, at("2027-01-15T12:00:00Z")));  // 07:00
  EXPECT_EQ(quiet_hours_end(s, at("2027-01-15T03:30:00Z")), at("2027-01-15T12:00:00Z"));
  // In July the zone is UTC−4: the same quiet hours end an hour earlier in UTC.
  EXPECT_EQ(quiet_hours_end(s, at("2027-07-15T03:30:00Z")), at("2027-07-15T11:00:00Z"));
  s.time_zone = "Europe/Paris";
  EXPECT_TRUE(in_quiet_hours(s, at("2027-01-15T03:30:00Z")));  // 04:30 in Paris
}

TEST(NotificationSettings, TheNextMorningCrossesTheChangeOfHour) {
  // 8:00 on the Sunday the clocks go forward (14 March 2027 in Québec) is 12:00 UTC, not 13:00.
  EXPECT_EQ(next_local_minute(at("2027-03-14T06:00:00Z"), 8 * 60, "America/Toronto"),
            at("2027-03-14T12:00:00Z"));
  EXPECT_EQ(next_local_minute(at("2027-03-13T14:00:00Z"), 8 * 60, "America/Toronto"),
            at("2027-03-14T12:00:00Z"));
  EXPECT_FALSE(next_local_minute(0, 8 * 60, "Nowhere/Else"));
}

TEST(OutsideTexts, PrivatePreviewsSayWhereNeverWhat) {
  notification n;
  n.id = 9;
  n.kind = std::string(for_mention);
  n.community_slug = "la-chorale";
  n.community_name = "La chorale";
  n.channel_id = 4;
  n.channel_name = "général";
  n.channel_kind = "chat";
  n.item_kind = "message";
  n.item_id = 77;
  n.seq = 12;
  n.parent_id = 70;
  n.actor_name = "Béa";
  n.excerpt = "Répétition secrète jeudi";
  auto full = nlohmann::json::parse(push_payload(n, locale::fr, false));
  EXPECT_EQ(full["title"], "Béa t’a mentionné·e dans #général");
  EXPECT_EQ(full["body"], "Répétition secrète jeudi");
  EXPECT_EQ(full["url"], "/c/la-chorale/ch/4?m=12&thread=70");
  EXPECT_EQ(full["notification_id"], 9);
  auto hidden = nlohmann::json::parse(push_payload(n, locale::en, true));
  EXPECT_EQ(hidden["title"], "Béa mentioned you in #général");
  EXPECT_EQ(hidden["body"], "#général · La chorale");
  EXPECT_EQ(hidden.dump().find("secrète"), std::string::npos);
  n.item_kind = "comment";
  n.post_id = 5;
  EXPECT_EQ(place_of(n), "/c/la-chorale/ch/4/p/5?comment=77");
}

class OutsideTheApp : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");
  caller bea = t.person("Bea");
  std::string slug = t.community(ana);
  std::int64_t room = 0;
  courier c{a(), "test-node"};

  void SetUp() override {
    auto inv = invitations::create_invitation(a(), ana, slug, {});
    ASSERT_TRUE(inv.ok());
    ASSERT_TRUE(invitations::accept_invitation(a(), bea, inv->code).ok());
    room = chat::create_channel(a(), ana, slug, "général", "chat")->id;
  }
  chat::message mention_bea(const std::string& text) {
    t.clock.advance(1000);
    auto m = chat::post_message(a(), ana, room,
                                {"<@" + std::to_string(bea.account_id) + "> " + text, {}, {}});
    if (!m) throw std::runtime_error("post failed");
    return *m;
  }
  std::vector<std::string> emails_to_bea() {
    return a().db.read([&](db::session& s) {
      std::vector<std::string> out;
      for (const auto& r : s.query("SELECT subject, body FROM outbox WHERE recipient LIKE "
                                   "'bea%' ORDER BY id"))
        out.push_back(r.text(0) + "\n" + r.text(1));
      return out;
    });
  }
};

TEST_F(OutsideTheApp, LeaveFifteenMinutesAfterAMentionNobodySaw) {
  mention_bea("la répétition est déplacée");
  t.clock.advance(email_delay_ms - 5000);
  EXPECT_EQ(c.send_emails(), 0);
  t.clock.advance(10'000);
  EXPECT_EQ(c.send_emails(), 1);
  auto mails = emails_to_bea();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].find("Ana t’a mentionné·e dans #général"), std::string::npos) << mails[0];
  EXPECT_NE(mails[0].find("la répétition est déplacée"), std::string::npos);
  EXPECT_NE(mails[0].find("http://petite.test/c/" + slug + "/ch/"), std::string::npos);
  t.clock.advance(email_delay_ms);
  EXPECT_EQ(c.send_emails(), 0);  // never twice
}

TEST_F(OutsideTheApp, OneEmailForABurstAndNoneForWhatWasSeen) {
  mention_bea("un");
  t.clock.advance(60'000);
  mention_bea("deux");
  t.clock.advance(email_delay_ms);
  EXPECT_EQ(c.send_emails(), 1);
  EXPECT_NE(emails_to_bea()[0].find("2 mentions"), std::string::npos);
  // Read in the room (its read marker past it): no email.
  auto m = mention_bea("trois");
  ASSERT_TRUE(chat::mark_read(a(), bea, room, m.seq).ok());
  t.clock.advance(email_delay_ms + 1000);
  EXPECT_EQ(c.send_emails(), 0);
  // Read in the bell: no email either.
  mention_bea("quatre");
  ASSERT_TRUE(mark_read(a(), bea, std::nullopt).ok());
  t.clock.advance(email_delay_ms + 1000);
  EXPECT_EQ(c.send_emails(), 0);
  EXPECT_EQ(emails_to_bea().size(), 1u);
}

TEST_F(OutsideTheApp, NeverMeansNeverAndDailyWaitsForTheMorning) {
  ASSERT_TRUE(change_settings(a(), bea, {{"email", "never"}}).ok());
  mention_bea("un");
  t.clock.advance(email_delay_ms + 1000);
  EXPECT_EQ(c.send_emails(), 0);

  ASSERT_TRUE(change_settings(a(), bea, {{"email", "daily"}, {"time_zone", "UTC"}}).ok());
  mention_bea("deux");
  t.clock.advance(email_delay_ms + 1000);
  EXPECT_EQ(c.send_emails(), 0);
  const millis morning = *next_local_minute(t.clock.now(), daily_email_minute, "UTC");
  t.clock.advance(morning - t.clock.now() - 1000);
  EXPECT_EQ(c.send_emails(), 0);
  t.clock.advance(2000);
  EXPECT_EQ(c.send_emails(), 1);
  EXPECT_EQ(emails_to_bea().size(), 1u);
}

TEST_F(OutsideTheApp, WaitForTheEndOfQuietHours) {
  const int now_minute = *minute_of_day(t.clock.now() + email_delay_ms, "UTC");
  ASSERT_TRUE(
      change_settings(
          a(), bea,
          {{"time_zone", "UTC"},
           {"quiet_hours",
            {{"start", fmt::format("{:02}:{:02}", now_minute / 60, now_minute % 60)},
             {"end", fmt::format("{:02}:{:02}", (now_minute / 60 + 2) % 24, now_minute % 60)}}}})
          .ok());
  mention_bea("la nuit");
  t.clock.advance(email_delay_ms + 1000);
  EXPECT_EQ(c.send_emails(), 0);
  t.clock.advance(2 * 3600 * 1000);
  EXPECT_EQ(c.send_emails(), 1);
}

TEST_F(OutsideTheApp, HereCallsOnlyThoseInTheAppNow) {
  caller cleo = t.person("Cleo");
  auto inv = invitations::create_invitation(a(), ana, slug, {});
  ASSERT_TRUE(invitations::accept_invitation(a(), cleo, inv->code).ok());
  // Béa is in the app on another node; Cléo is not.
  a().db.write([&](db::transaction& tx) {
    const std::int64_t ids[] = {bea.account_id};
    push::store::mark_active(tx, "another-node", ids, t.clock.now() + 30'000);
  });
  t.clock.advance(1000);
  ASSERT_TRUE(chat::post_message(a(), ana, room, {"@here on commence", {}, {}}).ok());
  auto told = [&](const caller& who) { return list(a(), who, std::nullopt, 10)->items.size(); };
  EXPECT_EQ(told(bea), 1u);
  EXPECT_EQ(told(cleo), 0u);
  // Once that node's row has run out, @here calls nobody away.
  t.clock.advance(60'000);
  ASSERT_TRUE(chat::post_message(a(), ana, room, {"@here encore", {}, {}}).ok());
  EXPECT_EQ(told(bea), 1u);
}

}  // namespace
}  // namespace ps::notifications
