#pragma once
#include <cstddef>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"

namespace ps {

// How many events one key may have in a sliding window. The name keeps the keys of different
// limits apart ("log_in.email" and "login_link.email" count the same email separately).
struct rate_limit {
  std::string_view name;
  int events;  // at least 1
  millis window;
};

// One limit applied to one key (an email, an address, a pair of them).
struct rate_check {
  const rate_limit& limit;
  std::string key;
};

// Counts attempts per key in sliding windows, for any number of named limits: the interface the
// services use (app.throttle). rate_limiter below keeps the counts in memory; with several
// nodes on one database, accounts/shared_throttle.hpp keeps them in the database, so that the
// limits hold across the nodes.
class attempt_counter {
 public:
  virtual ~attempt_counter() = default;
  // Seconds to wait until every check allows one more event; 0 when they all allow it now.
  virtual int retry_after(std::span<const rate_check> checks) = 0;
  // Counts one event against every check (for failures, counted after the fact).
  virtual void record(std::span<const rate_check> checks) = 0;
  // When every check allows one more event, counts it against each and returns 0; otherwise
  // counts nothing and returns the seconds to wait.
  virtual int acquire(std::span<const rate_check> checks) = 0;
  // Forgets the events of one check's key.
  virtual void forget(const rate_check& check) = 0;
};

// The seconds to wait before one more event, given the times of a key's recent events (oldest
// first, at most `limit.events` of them, all inside the window); 0 when allowed now.
millis wait_for_room(const rate_limit& limit, std::span<const millis> recent, millis now);
int whole_seconds(millis wait);

// Counts events per key in a sliding window, for any number of named limits. Kept in memory: a
// restart forgives everyone, which is an acceptable trade for no writes on the paths it guards;
// several nodes each keep their own counts.
//
// Memory is bounded: at most `max_keys` keys are kept. When a new key would pass that, keys
// whose events have all aged out go first; if that frees too little, the keys least recently
// active are forgotten, down to nine tenths of the bound, so that the sweep runs at most once
// per tenth of the bound of new keys. Forgetting forgives: only a flood of distinct keys (many
// addresses, many emails) can cause it, and the limits that count per address are the ones such
// a flood is spread across.
class rate_limiter final : public attempt_counter {
 public:
  explicit rate_limiter(const ps::clock& clock, std::size_t max_keys = 100'000)
      : clock_(clock), max_keys_(max_keys < 10 ? 10 : max_keys) {}
  rate_limiter(const rate_limiter&) = delete;
  rate_limiter& operator=(const rate_limiter&) = delete;

  // Seconds to wait until every check allows one more event; 0 when they all allow it now.
  int retry_after(std::span<const rate_check> checks) override;
  // Counts one event against every check (for failures, counted after the fact).
  void record(std::span<const rate_check> checks) override;
  // When every check allows one more event, counts it against each and returns 0; otherwise
  // counts nothing and returns the seconds to wait. Atomic: two callers cannot both pass the
  // last free place.
  int acquire(std::span<const rate_check> checks) override;
  // Forgets the events of one check's key.
  void forget(const rate_check& check) override;

  std::size_t key_count() const;

 private:
  struct entry {
    millis window = 0;
    std::vector<millis> times;  // oldest first, at most `events` of them
  };

  static std::string full_key(const rate_check& check);
  int wait_locked(std::span<const rate_check> checks, millis now);
  void record_locked(std::span<const rate_check> checks, millis now);
  void make_room_locked(millis now);

  const ps::clock& clock_;
  const std::size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
};

}  // namespace ps
