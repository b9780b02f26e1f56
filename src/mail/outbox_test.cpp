#include "mail/outbox.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <thread>

#include "db/database.hpp"
#include "mail/outbox_store.hpp"
#include "testing/test_app.hpp"

namespace ps::mail {
namespace {

std::size_t files_in(const std::filesystem::path& dir) {
  if (!std::filesystem::exists(dir)) return 0;
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

void queue(testing::test_app& t, outbox& box, const std::string& to) {
  t.db->write([&](db::transaction& tx) { box.enqueue(tx, draft{to, "Bonjour", "Un courriel."}); });
}

TEST(Outbox, DeliversDueEmailsOnceAndMarksThemSent) {
  testing::test_app t;
  queue(t, *t.outbox, "ana@example.com");
  EXPECT_EQ(t.outbox->pending(), 1);
  EXPECT_EQ(t.outbox->deliver_due(), 1);
  EXPECT_EQ(t.outbox->pending(), 0);
  EXPECT_EQ(t.outbox->deliver_due(), 0);  // never twice
  EXPECT_EQ(files_in(t.dir.path() / "mail" / "new"), 1u);
  EXPECT_EQ(t.outbox->sent_total(), 1u);
}

TEST(Outbox, RolledBackTransactionQueuesNothing) {
  testing::test_app t;
  EXPECT_THROW(t.db->write([&](db::transaction& tx) {
    t.outbox->enqueue(tx, draft{"ana@example.com", "x", "y"});
    throw std::runtime_error("rolled back");
  }),
               std::runtime_error);
  EXPECT_EQ(t.outbox->pending(), 0);
}

TEST(Outbox, RetriesWithBackOffWhenTheRelayIsDown) {
  testing::test_app t;
  // A real SMTP transport pointed at a closed loopback port: connection refused, retryable.
  outbox box(*t.db, t.clock, make_smtp_transport({"smtp://127.0.0.1:9", "", "", false, 2}),
             "noreply@petite.test");
  queue(t, box, "ana@example.com");
  EXPECT_EQ(box.deliver_due(), 0);
  EXPECT_EQ(box.pending(), 1);
  auto row = t.db->read([](db::session& s) {
    return *s.query_one("SELECT attempts, next_attempt_at, last_error FROM outbox");
  });
  EXPECT_EQ(row.integer(0), 1);
  EXPECT_EQ(row.integer(1), t.clock.now() + 60'000);
  EXPECT_FALSE(row.text(2).empty());
  EXPECT_EQ(box.deliver_due(), 0);  // not due yet: nothing attempted
  EXPECT_EQ(t.db->read([](db::session& s) {
    return s.query_one("SELECT attempts FROM outbox")->integer(0);
  }),
            1);
}

TEST(Outbox, GivesUpOnAPermanentFailure) {
  testing::test_app t;
  queue(t, *t.outbox, "not an address");
  EXPECT_EQ(t.outbox->deliver_due(), 0);
  EXPECT_EQ(t.outbox->pending(), 0);
  auto failed = t.db->read(
      [](db::session& s) { return s.query_one("SELECT failed_at FROM outbox")->maybe_integer(0); });
  EXPECT_TRUE(failed.has_value());
}

TEST(Outbox, WorkerSendsInTheBackground) {
  testing::test_app t;
  t.outbox->start();
  queue(t, *t.outbox, "ana@example.com");
  for (int i = 0; i < 200 && t.outbox->pending() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  t.outbox->stop();
  EXPECT_EQ(t.outbox->pending(), 0);
}

TEST(Outbox, KeepsHtmlHeadersAndTopicsAndCountsThem) {
  testing::test_app t;
  t.db->write([&](db::transaction& tx) {
    draft d{"ana@example.com", "Infolettre", "Texte"};
    d.html = "<p>HTML</p>";
    d.from_name = "La Fanfare";
    d.headers = {{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}};
    d.topic = "newsletter:1";
    t.outbox->enqueue(tx, d);
    draft bad{"not an address", "Infolettre", "Texte"};
    bad.topic = "newsletter:1";
    t.outbox->enqueue(tx, bad);
  });
  auto counts = t.db->read([&](db::session& s) { return t.outbox->counts(s, "newsletter:1"); });
  EXPECT_EQ(counts.queued, 2);
  EXPECT_EQ(t.outbox->deliver_due(), 1);
  counts = t.db->read([&](db::session& s) { return t.outbox->counts(s, "newsletter:1"); });
  EXPECT_EQ(counts.queued, 0);
  EXPECT_EQ(counts.sent, 1);
  EXPECT_EQ(counts.failed, 1);
  auto failures =
      t.db->read([&](db::session& s) { return t.outbox->failures(s, "newsletter:1", 10); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].first, "not an address");
  const auto dir = t.dir.path() / "mail" / "new";
  ASSERT_EQ(files_in(dir), 1u);
  std::ifstream in(std::filesystem::directory_iterator(dir)->path());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("From: La Fanfare <noreply@petite.test>"), std::string::npos) << text;
  EXPECT_NE(text.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), std::string::npos);
  EXPECT_NE(text.find("multipart/alternative"), std::string::npos);
  EXPECT_NE(text.find("Message-ID: <outbox-1@petite.test>"), std::string::npos);
  EXPECT_EQ(t.outbox->failed_total(), 1u);
}

TEST(Outbox, TwoNodesSendEachEmailOnce) {
  testing::test_app t;
  for (int i = 0; i < 200; ++i) queue(t, *t.outbox, "fan" + std::to_string(i) + "@example.com");
  outbox other(*t.db, t.clock, make_maildir_transport(t.dir.path() / "mail"),
               "Petite Salle <noreply@petite.test>", "node-b");
  int sent_here = 0, sent_there = 0;
  std::thread b([&] { sent_there = other.deliver_due(); });
  sent_here = t.outbox->deliver_due();
  b.join();
  EXPECT_EQ(sent_here + sent_there, 200);
  EXPECT_EQ(files_in(t.dir.path() / "mail" / "new"), 200u);
  EXPECT_EQ(t.outbox->pending(), 0);
}

TEST(Outbox, SeveralThreadsEachWithItsTransportSendEverything) {
  testing::test_app t;
  const auto box_dir = t.dir.path() / "threads";
  outbox_options options;
  options.concurrency = 4;
  options.poll_ms = 20;
  outbox box(
      *t.db, t.clock, [&] { return make_maildir_transport(box_dir); },
      "Petite Salle <noreply@petite.test>", "node-a", options);
  box.start();
  for (int i = 0; i < 120; ++i) queue(t, box, "fan" + std::to_string(i) + "@example.com");
  for (int i = 0; i < 500 && box.pending() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  box.stop();
  EXPECT_EQ(box.pending(), 0);
  EXPECT_EQ(files_in(box_dir / "new"), 120u);
  EXPECT_EQ(box.sent_total(), 120u);
}

TEST(Outbox, EmailsClaimedBeforeACrashAreSentAfterTheRestartWithTheSameMessageId) {
  testing::test_app t;
  queue(t, *t.outbox, "ana@example.com");
  // node-a claims it and dies before sending.
  t.db->write([&](db::transaction& tx) {
    return store::claim_due(tx, "local", t.clock.now(), t.clock.now() + 300'000, 10);
  });
  EXPECT_EQ(t.outbox->deliver_due(), 0) << "held by the claim";
  t.outbox->start();  // the restart gives it back
  for (int i = 0; i < 300 && t.outbox->pending() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  t.outbox->stop();
  EXPECT_EQ(t.outbox->pending(), 0);
}

}  // namespace
}  // namespace ps::mail
