#include "push/presence.hpp"

namespace ps::push {

void presence::report(std::int64_t account_id, const void* connection, bool active) {
  std::lock_guard lock(mutex_);
  if (active) {
    seen_[account_id][connection] = clock_.now();
    return;
  }
  if (auto it = seen_.find(account_id); it != seen_.end()) {
    it->second.erase(connection);
    if (it->second.empty()) seen_.erase(it);
  }
}

void presence::gone(std::int64_t account_id, const void* connection) {
  report(account_id, connection, false);
}

bool presence::active_locked(std::int64_t account_id, millis now) const {
  auto it = seen_.find(account_id);
  if (it == seen_.end()) return false;
  for (const auto& [connection, at] : it->second)
    if (now - at < active_lifetime_ms) return true;
  return false;
}

bool presence::active(std::int64_t account_id) const {
  std::lock_guard lock(mutex_);
  return active_locked(account_id, clock_.now());
}

presence::changes presence::take_changes() {
  std::lock_guard lock(mutex_);
  const millis now = clock_.now();
  changes out;
  std::set<std::int64_t> now_active;
  for (auto it = seen_.begin(); it != seen_.end();) {
    std::erase_if(it->second, [&](const auto& e) { return now - e.second >= active_lifetime_ms; });
    if (it->second.empty()) {
      it = seen_.erase(it);
      continue;
    }
    now_active.insert(it->first);
    out.active.push_back(it->first);
    ++it;
  }
  for (auto id : written_active_)
    if (!now_active.contains(id)) out.stopped.push_back(id);
  written_active_ = std::move(now_active);
  return out;
}

}  // namespace ps::push
