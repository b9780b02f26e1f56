#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "mail/transport.hpp"

namespace ps::db {
class database;
class session;
class transaction;
}  // namespace ps::db

namespace ps::mail {

// An email as a service writes it: the outbox adds the sender's address and the Message-ID.
struct draft {
  std::string to;
  std::string subject;
  std::string body;            // plain text
  std::string html = {};       // the HTML part; empty: a text-only email
  std::string from_name = {};  // the sender's display name; empty: the server's
  std::string reply_to = {};
  std::vector<std::pair<std::string, std::string>> headers = {};  // List-Unsubscribe…
  // What the email belongs to, counted together ("newsletter:12"); empty for one-off emails.
  std::string topic = {};
};

// How one topic's emails stand (a newsletter's deliveries).
struct topic_counts {
  std::int64_t queued = 0;  // not handed over yet (waiting, sending, or to be retried)
  std::int64_t sent = 0;
  std::int64_t failed = 0;  // given up on
};

struct outbox_options {
  int concurrency = 1;          // sending threads, each over its own SMTP connection
  int rate_per_minute = 0;      // emails handed over per minute at most, all threads together
  std::int64_t poll_ms = 5000;  // how often to look for due emails when nobody wakes us
};

// The durable outbox: every email is a row before anything is sent. Sending threads claim due
// rows in small batches (a conditional UPDATE, so each email is claimed once with several
// nodes), send them, and record the results; failures are retried with back-off (1 min, 2, 4 …
// up to 6 h, then given up after 10 tries), 5xx replies are final. A restart gives back what
// this node held. Delivery is at least once: a crash between the relay's "OK" and the batch's
// record sends those few emails again, with the same Message-ID (docs/subsystems/email.md).
class outbox {
 public:
  using transport_factory = std::function<std::unique_ptr<transport>()>;
  // `node`: this node's lasting name (kept in its data folder), which claims the emails it sends.
  outbox(db::database& db, const clock& clock, transport_factory make_transport, std::string from,
         std::string node, outbox_options options);
  // One transport, one thread: tests, and the simplest set-ups.
  outbox(db::database& db, const clock& clock, std::unique_ptr<transport> transport,
         std::string from, std::string node = "local");
  ~outbox();
  outbox(const outbox&) = delete;
  outbox& operator=(const outbox&) = delete;

  // Adds an email inside the caller's transaction; the senders are woken once it commits.
  void enqueue(db::transaction& tx, const draft& d);

  void start();
  void stop();

  // Sends, on the calling thread, every email due now; returns how many were delivered.
  int deliver_due();
  std::int64_t pending() const;
  std::uint64_t sent_total() const { return sent_total_.load(); }
  std::uint64_t failed_total() const { return failed_total_.load(); }
  topic_counts counts(db::session& s, const std::string& topic) const;
  // The newest `limit` emails of `topic` given up on: recipient and why.
  std::vector<std::pair<std::string, std::string>> failures(db::session& s,
                                                            const std::string& topic,
                                                            int limit) const;

 private:
  struct claimed;
  void run(transport& t);
  void wake();
  // Claims up to `limit` due emails, sends them over `t`, records the results; how many were
  // delivered, or -1 when nothing was due.
  int send_batch(transport& t, int limit);
  bool wait_for_rate_slot();
  email to_email(const claimed& c) const;

  db::database& db_;
  const clock& clock_;
  transport_factory make_transport_;
  std::unique_ptr<transport> own_transport_;  // deliver_due()'s
  std::string from_;
  std::string from_address_;
  std::string message_id_domain_;
  std::string node_;
  outbox_options options_;
  std::atomic<std::uint64_t> sent_total_{0};
  std::atomic<std::uint64_t> failed_total_{0};

  std::mutex mutex_;
  std::condition_variable wakeup_;
  std::uint64_t wakes_ = 0;  // counts wake() calls, so each thread sees every one
  bool stopping_ = false;
  std::int64_t next_slot_ms_ = 0;  // the rate limit's next free moment (steady clock)
  std::vector<std::thread> workers_;
};

}  // namespace ps::mail
