#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "core/clock.hpp"

// Who is in the app on this node: a stream connection says {"type":"presence","active":…}
// when its page shows or hides (and again while the person uses it). Pushes are not sent to
// someone active: they see the bell. Only memory here, touched by network threads for an
// instant; the courier writes what changed to the presence table every few seconds, so that
// every node knows (push/store.hpp).
namespace ps::push {

class presence {
 public:
  // An "active" not repeated for this long no longer counts: a tab left open on a desk does
  // not keep a phone quiet overnight (the web app repeats it on input, once a minute at most).
  static constexpr millis active_lifetime_ms = 5 * 60 * 1000;

  explicit presence(const clock& c) : clock_(c) {}
  presence(const presence&) = delete;
  presence& operator=(const presence&) = delete;

  void report(std::int64_t account_id, const void* connection, bool active);
  void gone(std::int64_t account_id, const void* connection);
  bool active(std::int64_t account_id) const;

  // What to write: who is active now, and who was at the last call and is no longer.
  struct changes {
    std::vector<std::int64_t> active, stopped;
  };
  changes take_changes();

 private:
  bool active_locked(std::int64_t account_id, millis now) const;
  const clock& clock_;
  mutable std::mutex mutex_;
  std::map<std::int64_t, std::map<const void*, millis>> seen_;  // account → connection → when
  std::set<std::int64_t> written_active_;
};

}  // namespace ps::push
