#include "http/network_thread.hpp"

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
  for (auto& work : batch) work();
}

}  // namespace ps::http
