#include "http/network_thread.hpp"

#include <spdlog/spdlog.h>

namespace ps::http {

void network_thread::post(std::function<void()> work) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    inbox_.push_back(std::move(work));
    wake = !scheduled_;
    scheduled_ = true;
  }
  if (wake) net::asio::post(context_, [this] { drain(); });
}

void network_thread::drain() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(inbox_);
    scheduled_ = false;
  }
  // One item's failure (a bug) must not take the others, or the thread, down with it.
  for (auto& work : batch) {
    try {
      work();
    } catch (const std::exception& e) {
      spdlog::error("network thread: {}", e.what());
    }
  }
}

}  // namespace ps::http
