#include "mail/outbox.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "db/database.hpp"
#include "mail/outbox_store.hpp"

namespace ps::mail {
namespace {
constexpr int max_attempts = 10;
constexpr millis first_retry = 60 * 1000;
// How long a node holds an email it is sending before another may take it (a send takes seconds;
// its SMTP timeout is 30 s).
constexpr millis claim_lease = 5 * 60 * 1000;
constexpr millis longest_retry = 6 * 60 * 60 * 1000;
constexpr auto idle_poll = std::chrono::seconds(5);
constexpr int batch = 100;  // emails read per pass
}  // namespace

outbox::outbox(db::database& db, const clock& clock, std::unique_ptr<transport> transport,
               std::string from, std::string node)
    : db_(db),
      clock_(clock),
      transport_(std::move(transport)),
      from_(std::move(from)),
      node_(std::move(node)) {}

outbox::~outbox() { stop(); }

void outbox::enqueue(db::transaction& tx, const draft& d) {
  const millis now = clock_.now();
  store::insert_email(tx, d.to, d.subject, d.body, now);
  tx.after_commit([this] { wake(); });
}

void outbox::start() {
  // What this node held when it last stopped (killed between a claim and its send) is due again.
  const auto released = db_.write(
      [&](db::transaction& tx) { return store::release_claims(tx, node_, clock_.now()); });
  if (released > 0) spdlog::info("outbox: {} email(s) claimed before a restart are due again", released);
  std::lock_guard lock(mutex_);
  if (worker_.joinable()) return;
  stopping_ = false;
  worker_ = std::thread([this] { run(); });
}

void outbox::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wakeup_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void outbox::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wakeup_.notify_all();
}

void outbox::run() {
  for (;;) {
    try {
      deliver_due();
    } catch (const std::exception& e) {
      spdlog::error("outbox: {}", e.what());
    }
    std::unique_lock lock(mutex_);
    wakeup_.wait_for(lock, idle_poll, [&] { return woken_ || stopping_; });
    if (stopping_) return;
    woken_ = false;
  }
}

int outbox::deliver_due() {
  struct due_email {
    std::int64_t id;
    std::int64_t attempts;
    email e;
  };
  const millis now = clock_.now();
  auto due = db_.read([&](db::session& s) {
    std::vector<due_email> out;
    for (auto& q : store::due_emails(s, now, batch))
      out.push_back({q.id, q.attempts,
                     email{from_, std::move(q.recipient), std::move(q.subject), std::move(q.body), "outbox-" + std::to_string(q.id) + "@petitesalle"}});
    return out;
  });
  int delivered = 0;
  for (auto& item : due) {
    // Claimed first: with several nodes on one database, each email is sent by one of them.
    // A node that dies holding a claim lets it lapse, and another sends the email then.
    const bool mine = db_.write([&](db::transaction& tx) {
      return store::claim(tx, item.id, node_, now, now + claim_lease);
    });
    if (!mine) continue;
    const delivery_result result = transport_->deliver(item.e);
    const millis done_at = clock_.now();
    if (result.delivered) {
      db_.write([&](db::transaction& tx) { store::mark_sent(tx, item.id, done_at); });
      sent_total_.fetch_add(1);
      ++delivered;
      continue;
    }
    const std::int64_t attempts = item.attempts + 1;
    spdlog::warn("outbox: email {} to {} not sent (attempt {}): {}", item.id, item.e.to, attempts, result.error);
    if (!result.retryable || attempts >= max_attempts) {
      db_.write([&](db::transaction& tx) { store::mark_failed(tx, item.id, done_at, attempts, result.error); });
      continue;
    }
    const millis delay = std::min(longest_retry, first_retry << std::min<std::int64_t>(attempts - 1, 20));
    db_.write([&](db::transaction& tx) {
      store::schedule_retry(tx, item.id, done_at + delay, attempts, result.error);
    });
  }
  return delivered;
}

std::int64_t outbox::pending() const {
  return db_.read([](db::session& s) { return store::pending_count(s); });
}

}  // namespace ps::mail
