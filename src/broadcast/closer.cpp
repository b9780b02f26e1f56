#include "broadcast/closer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "broadcast/service.hpp"
#include "broadcast/store.hpp"

namespace ps::broadcast {

poll_closer::poll_closer(app& a) : app_(a), thread_([this] { run(); }) {}

poll_closer::~poll_closer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void poll_closer::run() {
  for (;;) {
    long wait_ms = recheck_ms;
    try {
      announce_closed(app_);
      if (auto due = app_.db.read([](db::session& s) { return store::next_closing(s); }))
        wait_ms =
            std::clamp<long>(static_cast<long>(due->closes_at - app_.clock.now()), 1, recheck_ms);
    } catch (const std::exception& e) {
      // The database away: the next round tries again.
      spdlog::warn("polls: closings not announced yet: {}", e.what());
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stopping_; })) return;
  }
}

}  // namespace ps::broadcast
