#include "accounts/credential_cache.hpp"

#include <iterator>

namespace ps::accounts {

std::uint64_t credential_cache::ticket() const {
  std::lock_guard lock(mutex_);
  return forgets_;
}

std::optional<store::credential_owner> credential_cache::find(const std::string& key,
                                                              millis now) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.until <= now) return std::nullopt;
  return it->second.owner;
}

void credential_cache::remember(const std::string& key, const store::credential_owner& owner,
                                millis now, std::uint64_t ticket) {
  std::lock_guard lock(mutex_);
  if (ticket != forgets_) return;  // an ending came while it was read: it may be this one's
  // Bounded: past the capacity everything goes (the next requests ask the database again).
  if (entries_.size() >= capacity_) entries_.clear();
  entries_.insert_or_assign(key, entry{owner, now + ttl_});
}

void credential_cache::touched(const std::string& key, millis now) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(key); it != entries_.end()) it->second.owner.last_used_at = now;
}

void credential_cache::forget_account(std::int64_t account_id) {
  std::lock_guard lock(mutex_);
  ++forgets_;
  for (auto it = entries_.begin(); it != entries_.end();)
    it = it->second.owner.account_id == account_id ? entries_.erase(it) : std::next(it);
}

std::size_t credential_cache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace ps::accounts
