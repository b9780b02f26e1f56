#include "core/rate_limiter.hpp"

#include <algorithm>
#include <utility>

namespace ps {
namespace {

// Drops the times that have left the window.
void prune(std::vector<millis>& times, millis window, millis now) {
  const auto first_live =
      std::find_if(times.begin(), times.end(), [&](millis t) { return t > now - window; });
  times.erase(times.begin(), first_live);
}

}  // namespace

millis wait_for_room(const rate_limit& limit, std::span<const millis> recent, millis now) {
  const auto events = static_cast<std::size_t>(std::max(limit.events, 1));
  if (recent.size() < events) return 0;
  // Allowed again once the oldest of the last `events` events leaves the window.
  return std::max<millis>(0, recent[recent.size() - events] + limit.window - now);
}

int whole_seconds(millis wait) {
  if (wait <= 0) return 0;
  return static_cast<int>(std::max<millis>(1, (wait + 999) / 1000));
}

std::string rate_limiter::full_key(const rate_check& check) {
  std::string key;
  key.reserve(check.limit.name.size() + 1 + check.key.size());
  key.append(check.limit.name).push_back(' ');
  key.append(check.key);
  return key;
}

int rate_limiter::wait_locked(std::span<const rate_check> checks, millis now) {
  millis wait = 0;
  for (const rate_check& check : checks) {
    auto it = entries_.find(full_key(check));
    if (it == entries_.end()) continue;
    auto& times = it->second.times;
    prune(times, check.limit.window, now);
    wait = std::max(wait, wait_for_room(check.limit, times, now));
  }
  return whole_seconds(wait);
}

void rate_limiter::record_locked(std::span<const rate_check> checks, millis now) {
  for (const rate_check& check : checks) {
    std::string key = full_key(check);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      if (entries_.size() >= max_keys_) make_room_locked(now);
      it = entries_.emplace(std::move(key), entry{check.limit.window, {}}).first;
    }
    auto& times = it->second.times;
    prune(times, check.limit.window, now);
    times.push_back(now);
    // Only the last `events` times decide when the key is allowed again.
    const auto limit = static_cast<std::size_t>(std::max(check.limit.events, 1));
    if (times.size() > limit) times.erase(times.begin(), times.end() - static_cast<long>(limit));
  }
}

void rate_limiter::make_room_locked(millis now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    prune(it->second.times, it->second.window, now);
    it = it->second.times.empty() ? entries_.erase(it) : std::next(it);
  }
  const std::size_t target = max_keys_ - max_keys_ / 10;
  if (entries_.size() <= target) return;
  // Still full of live keys: forget the least recently active ones.
  std::vector<std::pair<millis, decltype(entries_)::iterator>> by_last;
  by_last.reserve(entries_.size());
  for (auto it = entries_.begin(); it != entries_.end(); ++it)
    by_last.emplace_back(it->second.times.back(), it);
  const std::size_t drop = entries_.size() - target;
  std::nth_element(by_last.begin(), by_last.begin() + static_cast<long>(drop), by_last.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < drop; ++i) entries_.erase(by_last[i].second);
}

int rate_limiter::retry_after(std::span<const rate_check> checks) {
  std::lock_guard lock(mutex_);
  return wait_locked(checks, clock_.now());
}

void rate_limiter::record(std::span<const rate_check> checks) {
  std::lock_guard lock(mutex_);
  record_locked(checks, clock_.now());
}

int rate_limiter::acquire(std::span<const rate_check> checks) {
  std::lock_guard lock(mutex_);
  const millis now = clock_.now();
  if (const int wait = wait_locked(checks, now); wait > 0) return wait;
  record_locked(checks, now);
  return 0;
}

void rate_limiter::forget(const rate_check& check) {
  std::lock_guard lock(mutex_);
  entries_.erase(full_key(check));
}

std::size_t rate_limiter::key_count() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace ps
