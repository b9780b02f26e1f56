#include "access/seen_rooms.hpp"

namespace ps::access {

std::uint64_t seen_rooms::ticket() const {
  std::lock_guard lock(mutex_);
  return forgets_;
}

bool seen_rooms::allowed(std::int64_t account_id, std::int64_t channel_id, millis now) const {
  std::lock_guard lock(mutex_);
  auto account = by_account_.find(account_id);
  if (account == by_account_.end()) return false;
  auto room = account->second.find(channel_id);
  return room != account->second.end() && room->second > now;
}

void seen_rooms::remember(std::int64_t account_id, std::int64_t channel_id, millis now,
                          std::uint64_t ticket) {
  std::lock_guard lock(mutex_);
  if (ticket != forgets_) return;  // access shrank while it was read: maybe this one's
  // Bounded: past the capacity everything goes (the next reads ask the database again).
  if (size_ >= capacity_) {
    by_account_.clear();
    size_ = 0;
  }
  auto [it, added] = by_account_[account_id].insert_or_assign(channel_id, now + ttl_);
  (void)it;
  if (added) ++size_;
}

void seen_rooms::forget_account(std::int64_t account_id) {
  std::lock_guard lock(mutex_);
  ++forgets_;
  if (auto it = by_account_.find(account_id); it != by_account_.end()) {
    size_ -= it->second.size();
    by_account_.erase(it);
  }
}

std::size_t seen_rooms::size() const {
  std::lock_guard lock(mutex_);
  return size_;
}

}  // namespace ps::access
