#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace ps {

// Milliseconds since the Unix epoch, UTC: how every time is stored.
using millis = std::int64_t;

// The source of "now", passed to services so tests can fix it.
class clock {
 public:
  virtual ~clock() = default;
  virtual millis now() const = 0;
};

class system_clock final : public clock {
 public:
  millis now() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that moves only when told: for tests.
class manual_clock final : public clock {
 public:
  explicit manual_clock(millis start) : now_(start) {}
  millis now() const override { return now_; }
  void advance(millis by) { now_ += by; }

 private:
  millis now_;
};

// "2026-11-26T23:57:12.345Z"
std::string iso8601(millis t);

}  // namespace ps
