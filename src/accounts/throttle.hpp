#pragma once
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"

namespace ps::accounts {

// Counts failed log-in attempts per key (an email, an IP address) in a sliding window.
// Kept in memory: a restart forgives everyone, which is an acceptable trade for no writes
// on the log-in path. Several nodes each keep their own count.
class login_throttle {
 public:
  login_throttle(int max_failures = 10, millis window = 15 * 60 * 1000)
      : max_failures_(max_failures), window_(window) {}

  // Seconds to wait before another attempt is allowed for this key; 0 when allowed.
  int retry_after(const std::string& key, millis now);
  void record_failure(const std::string& key, millis now);
  void forget(const std::string& key);

 private:
  void prune(std::deque<millis>& times, millis now) const;

  int max_failures_;
  millis window_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<millis>> failures_;
};

}  // namespace ps::accounts
