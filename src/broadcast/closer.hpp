#pragma once
#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/app.hpp"

// Announces each poll's closing when its time comes (poll.closed), from a thread of its own,
// off the network threads. Nothing is held only in memory: the closing time is in the poll's
// row, the announcement marked in the same transaction, so a restart announces at once what
// came due while the server was down, and with several nodes one of them does it, once. It
// sleeps until the next closing it knows, or at most `recheck_ms`, to see polls made since
// (a poll's closed state is exact at any read or vote whatever this thread does).
namespace ps::broadcast {

class poll_closer {
 public:
  static constexpr int recheck_ms = 2000;
  explicit poll_closer(app& a);
  ~poll_closer();  // stops the thread
  poll_closer(const poll_closer&) = delete;
  poll_closer& operator=(const poll_closer&) = delete;

 private:
  void run();
  app& app_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace ps::broadcast
