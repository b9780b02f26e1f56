#include "accounts/throttle.hpp"

namespace ps::accounts {

void login_throttle::prune(std::deque<millis>& times, millis now) const {
  while (!times.empty() && times.front() <= now - window_) times.pop_front();
}

int login_throttle::retry_after(const std::string& key, millis now) {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  prune(it->second, now);
  if (static_cast<int>(it->second.size()) < max_failures_) return 0;
  const millis wait = it->second.front() + window_ - now;
  return static_cast<int>((wait + 999) / 1000);
}

void login_throttle::record_failure(const std::string& key, millis now) {
  std::lock_guard lock(mutex_);
  // Bound memory under a flood of distinct keys: drop keys whose failures have all aged out.
  if (failures_.size() > 100000) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      prune(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
  }
  auto& times = failures_[key];
  prune(times, now);
  times.push_back(now);
}

void login_throttle::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

}  // namespace ps::accounts
