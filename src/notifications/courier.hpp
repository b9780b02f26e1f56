#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "app/app.hpp"

// Takes notifications outside the app, from a thread of its own (off the network threads):
// Web Push to the member's subscribed browsers, and an email of the mentions and direct
// messages they have not seen. Nothing is held only in memory: each notification row says when
// a push and an email are due, and each is claimed in the database before it is acted on, so
// that a restart goes on where it stopped and several nodes never both send (a crash between a
// claim and the push loses that push: a push is a nudge, the bell keeps the notification).
// The same thread writes this node's presence (push/presence.hpp) every few seconds.
namespace ps::notifications {

class courier {
 public:
  static constexpr int round_ms = 1000;
  static constexpr millis presence_every_ms = 10'000;
  // A push not sent within this long of its notification (the server was down, the push
  // service kept failing) is no longer news.
  static constexpr millis stale_push_ms = 60 * 60 * 1000;
  static constexpr int max_push_attempts = 4;
  static constexpr int batch = 100;

  // `node`: this node's lasting name (its presence rows). The thread starts with start().
  courier(app& a, std::string node);
  ~courier();  // stops the thread
  courier(const courier&) = delete;
  courier& operator=(const courier&) = delete;
  void start();

  // One round of each, as the thread runs them (tests call them directly). Return how many
  // pushes were posted / emails queued.
  int deliver_pushes();
  int send_emails();
  void write_presence();

 private:
  void run();
  app& app_;
  std::string node_;
  millis presence_written_at_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ps::notifications
