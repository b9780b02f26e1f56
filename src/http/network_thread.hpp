#pragma once
#include <functional>
#include <mutex>
#include <vector>

#include "http/asio.hpp"

namespace ps::http {

// One network thread's io_context, and the inbox through which other threads (the SQLite
// writer, above all) hand it work. However many items arrive while the thread is busy, it is
// woken once for all of them: after a group commit of a hundred posts, each network thread gets
// one wake-up for the hundred replies and publications instead of one per item. Items run in
// the order they were handed over.
class network_thread {
 public:
  network_thread() : context_(1) {}  // run by one thread only
  network_thread(const network_thread&) = delete;
  network_thread& operator=(const network_thread&) = delete;

  net::asio::io_context& context() { return context_; }
  // From any thread.
  void post(std::function<void()> work);

 private:
  void drain();

  net::asio::io_context context_;
  std::mutex mutex_;
  std::vector<std::function<void()>> inbox_;
  bool scheduled_ = false;  // a drain is posted and has not yet taken the inbox
};

}  // namespace ps::http
