#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "mail/transport.hpp"

namespace ps::db {
class database;
class transaction;
}  // namespace ps::db

namespace ps::mail {

// An email as a service writes it: the outbox adds the sender and an id.
struct draft {
  std::string to;
  std::string subject;
  std::string body;
};

// The durable outbox: every email is a row before anything is sent. One worker thread sends
// due rows, retries failures with back-off (1 min, 2, 4 … up to 6 h, then gives up after 10
// tries) and marks them sent. A restart picks up where it stopped. Delivery is at least once:
// a crash between the relay's "OK" and the row's update can send that one email twice. With
// several nodes, each email is claimed by one before it is sent (docs/subsystems/database.md).
class outbox {
 public:
  // `node`: this node's lasting name (kept in its data folder), which claims the emails it sends.
  outbox(db::database& db, const clock& clock, std::unique_ptr<transport> transport,
         std::string from, std::string node = "local");
  ~outbox();
  outbox(const outbox&) = delete;
  outbox& operator=(const outbox&) = delete;

  // Adds an email inside the caller's transaction; the worker is woken once it commits.
  void enqueue(db::transaction& tx, const draft& d);

  void start();
  void stop();

  // Sends every email that is due now; returns how many were delivered.
  int deliver_due();
  std::int64_t pending() const;
  std::uint64_t sent_total() const { return sent_total_.load(); }

 private:
  void run();
  void wake();

  db::database& db_;
  const clock& clock_;
  std::unique_ptr<transport> transport_;
  std::string from_;
  std::string node_;
  std::atomic<std::uint64_t> sent_total_{0};

  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace ps::mail
