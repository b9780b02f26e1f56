#include <gtest/gtest.h>

#include "db/database.hpp"
#include "mail/outbox.hpp"
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
  outbox box(*t.db, t.clock, make_smtp_transport({"smtp://127.0.0.1:9", "", "", false, 2}), "noreply@petite.test");
  queue(t, box, "ana@example.com");
  EXPECT_EQ(box.deliver_due(), 0);
  EXPECT_EQ(box.pending(), 1);
  auto row = t.db->read([](db::session& s) { return *s.query_one("SELECT attempts, next_attempt_at, last_error FROM outbox"); });
  EXPECT_EQ(row.integer(0), 1);
  EXPECT_EQ(row.integer(1), t.clock.now() + 60'000);
  EXPECT_FALSE(row.text(2).empty());
  EXPECT_EQ(box.deliver_due(), 0);  // not due yet: nothing attempted
  EXPECT_EQ(t.db->read([](db::session& s) { return s.query_one("SELECT attempts FROM outbox")->integer(0); }), 1);
}

TEST(Outbox, GivesUpOnAPermanentFailure) {
  testing::test_app t;
  queue(t, *t.outbox, "not an address");
  EXPECT_EQ(t.outbox->deliver_due(), 0);
  EXPECT_EQ(t.outbox->pending(), 0);
  auto failed = t.db->read([](db::session& s) { return s.query_one("SELECT failed_at FROM outbox")->maybe_integer(0); });
  EXPECT_TRUE(failed.has_value());
}

TEST(Outbox, WorkerSendsInTheBackground) {
  testing::test_app t;
  t.outbox->start();
  queue(t, *t.outbox, "ana@example.com");
  for (int i = 0; i < 200 && t.outbox->pending() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  t.outbox->stop();
  EXPECT_EQ(t.outbox->pending(), 0);
}

}  // namespace
}  // namespace ps::mail
