#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "accounts/store.hpp"
#include "core/clock.hpp"

namespace ps::accounts {

// Whose session cookie or personal token a request carries, remembered for a few seconds: on
// PostgreSQL every request would otherwise pay a round trip to ask (docs/subsystems/database.md).
// An ended credential is forgotten at once on every node: the hub reports each ending, on the
// node that ended it after its commit and on the others when the announcement arrives. An entry
// lives at most `ttl` in any case, which bounds how long a change that is not an ending (the
// account's language, a session reaching its end of life) takes to show.
class credential_cache {
 public:
  explicit credential_cache(millis ttl, std::size_t capacity = 100'000)
      : ttl_(ttl), capacity_(capacity) {}

  // Taken before reading a credential from the database: remember() ignores what was read
  // before a forget_account() that came after it.
  std::uint64_t ticket() const;
  std::optional<store::credential_owner> find(const std::string& key, millis now) const;
  void remember(const std::string& key, const store::credential_owner& owner, millis now,
                std::uint64_t ticket);
  // The credential's last use was just recorded as `now`.
  void touched(const std::string& key, millis now);
  void forget_account(std::int64_t account_id);
  std::size_t size() const;

 private:
  struct entry {
    store::credential_owner owner;
    millis until;
  };
  const millis ttl_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
  std::uint64_t forgets_ = 0;
};

}  // namespace ps::accounts
