#pragma once
#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "core/clock.hpp"

namespace ps::access {

// The rooms each account was found allowed to read, remembered for a few seconds by one node:
// on PostgreSQL asking again costs a round trip per history read (docs/subsystems/database.md,
// "What each node remembers"). Only yeses are kept. An account whose access shrinks (it leaves or
// is removed from a community, is deleted, or its streams are told to reconnect because what it
// may see changed) is forgotten at once, on every node: the hub reports each such change, on the
// node that made it after its commit and on the others when the announcement arrives. An entry
// lives at most `ttl` in any case.
class seen_rooms {
 public:
  explicit seen_rooms(millis ttl, std::size_t capacity = 200'000)
      : ttl_(ttl), capacity_(capacity) {}

  // Taken before asking the database: remember() ignores an answer read before a forget that
  // came after it.
  std::uint64_t ticket() const;
  bool allowed(std::int64_t account_id, std::int64_t channel_id, millis now) const;
  void remember(std::int64_t account_id, std::int64_t channel_id, millis now, std::uint64_t ticket);
  void forget_account(std::int64_t account_id);
  std::size_t size() const;

 private:
  const millis ttl_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  // account -> room -> remembered until
  std::unordered_map<std::int64_t, std::unordered_map<std::int64_t, millis>> by_account_;
  std::size_t size_ = 0;
  std::uint64_t forgets_ = 0;
};

}  // namespace ps::access
