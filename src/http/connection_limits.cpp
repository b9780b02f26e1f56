#include "http/connection_limits.hpp"

namespace ps::http {

connection_limits::ticket::ticket(ticket&& other) noexcept
    : owner_(other.owner_), counts_(other.counts_), key_(std::move(other.key_)) {
  other.counts_ = nullptr;
}

connection_limits::ticket& connection_limits::ticket::operator=(ticket&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = other.owner_;
    counts_ = other.counts_;
    key_ = std::move(other.key_);
    other.counts_ = nullptr;
  }
  return *this;
}

connection_limits::ticket::~ticket() {
  release();
}

void connection_limits::ticket::release() {
  if (!counts_) return;
  std::lock_guard lock(owner_->mutex_);
  auto it = counts_->find(key_);
  if (it != counts_->end() && --it->second <= 0) counts_->erase(it);  // no key outlives its use
  counts_ = nullptr;
}

connection_limits::ticket connection_limits::take(std::unordered_map<std::string, int>& counts,
                                                  std::string key, int limit) {
  std::lock_guard lock(mutex_);
  int& held = counts[key];
  if (held >= limit) {
    if (held == 0) counts.erase(key);
    return {};
  }
  ++held;
  return ticket(this, &counts, std::move(key));
}

connection_limits::ticket connection_limits::connection_from(const std::string& address) {
  return take(by_address_, address, per_address_);
}

connection_limits::ticket connection_limits::stream_of(std::int64_t account_id) {
  return take(by_account_, std::to_string(account_id), streams_per_account_);
}

int connection_limits::connections_from(const std::string& address) const {
  std::lock_guard lock(mutex_);
  auto it = by_address_.find(address);
  return it == by_address_.end() ? 0 : it->second;
}

}  // namespace ps::http
