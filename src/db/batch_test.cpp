// Writes run together (db::write_batcher), on the engine the tests run on: neighbours of one
// kind reach run_together at once, each keeps its outcome, and a batch that throws leaves
// nothing of itself and lets each write run alone.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>

#include "db/database.hpp"
#include "db/migrations.hpp"
#include "testing/test_app.hpp"

namespace ps::db {
namespace {

// Inserts `v` into t; alone with one statement, together with one statement each too, but
// counted, and made to throw on demand.
struct insert_v final : batched_write {
  explicit insert_v(std::string value) : v(std::move(value)) {}
  bool run_alone(transaction& tx) override {
    tx.execute("INSERT INTO t (v) VALUES ($1)", v);
    out.emplace(std::string("alone"));
    return true;
  }
  std::string v;
  std::optional<result<std::string>> out;
};

class counting_batcher final : public write_batcher {
 public:
  void run_together(transaction& tx, std::span<batched_write* const> writes) const override {
    {
      std::lock_guard lock(mutex_);
      sizes_.push_back(writes.size());
    }
    for (auto* w : writes) {
      auto* write = static_cast<insert_v*>(w);
      tx.execute_pipelined("INSERT INTO t (v) VALUES ($1)", write->v);
      write->out.emplace(std::string("together"));
    }
    if (fail) throw std::runtime_error("run_together failed on purpose");
  }
  std::vector<std::size_t> sizes() const {
    std::lock_guard lock(mutex_);
    return sizes_;
  }
  std::atomic<bool> fail{false};

 private:
  mutable std::mutex mutex_;
  mutable std::vector<std::size_t> sizes_;
};

class WriteBatches : public ::testing::Test {
 protected:
  testing::temp_dir dir;
  std::optional<scratch_database> scratch;
  std::unique_ptr<database> db = testing::open_test_database(dir.path(), scratch);
  counting_batcher batcher;
  void SetUp() override {
    db->write([](transaction& tx) {
      tx.execute_script(for_dialect("CREATE TABLE t (id {{id}}, v TEXT UNIQUE)", tx.kind()));
    });
  }
  std::int64_t count() {
    return db->read([](session& s) { return s.query_one("SELECT COUNT(*) FROM t")->integer(0); });
  }
  std::future<result<std::string>> queue(std::string v) {
    auto done = std::make_shared<std::promise<result<std::string>>>();
    auto reply = done->get_future();
    db->write_batched_then(batcher, std::make_shared<insert_v>(std::move(v)),
                           [done](result<std::string> r) { done->set_value(std::move(r)); });
    return reply;
  }
  std::future<result<int>> queue_plain(std::string v) {
    auto done = std::make_shared<std::promise<result<int>>>();
    auto reply = done->get_future();
    db->write_then(
        [v](transaction& tx) -> result<int> {
          tx.execute("INSERT INTO t (v) VALUES ($1)", v);
          return 1;
        },
        [done](result<int> r) { done->set_value(std::move(r)); });
    return reply;
  }
};

TEST_F(WriteBatches, NeighboursOfOneKindRunTogetherAndAPlainWriteBetweenSplitsThem) {
  auto release = testing::hold_writer(*db);
  auto a = queue("a"), b = queue("b"), c = queue("c");
  auto plain = queue_plain("p");
  auto d = queue("d"), e = queue("e");
  auto plain_q = queue_plain("q");
  auto lone = queue("f");
  release.set_value();
  for (auto* f : {&a, &b, &c, &d, &e}) EXPECT_EQ(*f->get(), "together");
  EXPECT_EQ(*lone.get(), "alone");  // no neighbour of its kind
  EXPECT_TRUE(plain.get().ok());
  EXPECT_TRUE(plain_q.get().ok());
  EXPECT_EQ(batcher.sizes(), (std::vector<std::size_t>{3, 2}));
  EXPECT_EQ(count(), 8);
  EXPECT_EQ(db->counts().batched, 5u);
}

TEST_F(WriteBatches, ABatchThatThrowsIsRolledBackAndEachWriteRunsAlone) {
  batcher.fail = true;
  auto release = testing::hold_writer(*db);
  auto a = queue("a"), b = queue("b"), c = queue("c");
  release.set_value();
  for (auto* f : {&a, &b, &c}) EXPECT_EQ(*f->get(), "alone");
  EXPECT_EQ(count(), 3);  // once each: what the batch wrote is gone
  EXPECT_EQ(db->counts().batched, 0u);
}

TEST_F(WriteBatches, AWriteThatFailsAloneAfterTheBatchFailedFailsByItself) {
  db->write([](transaction& tx) { tx.execute("INSERT INTO t (v) VALUES ($1)", "taken"); });
  auto release = testing::hold_writer(*db);
  // The batch's second insert breaks the UNIQUE constraint; alone, only that write fails.
  auto a = queue("a"), taken = queue("taken"), c = queue("c");
  release.set_value();
  EXPECT_EQ(*a.get(), "alone");
  EXPECT_FALSE(taken.get().ok());
  EXPECT_EQ(*c.get(), "alone");
  EXPECT_EQ(count(), 3);
}

TEST_F(WriteBatches, LongRunsAreCutAtMaxBatch) {
  auto release = testing::hold_writer(*db);
  std::vector<std::future<result<std::string>>> all;
  for (std::size_t i = 0; i < max_batch + 3; ++i) all.push_back(queue("v" + std::to_string(i)));
  release.set_value();
  for (auto& f : all) EXPECT_TRUE(f.get().ok());
  EXPECT_EQ(batcher.sizes(), (std::vector<std::size_t>{max_batch, 3}));
  EXPECT_EQ(count(), static_cast<std::int64_t>(max_batch + 3));
}

}  // namespace
}  // namespace ps::db
