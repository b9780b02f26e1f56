#pragma once
#include <atomic>
#include <cstdint>

#include "app/config.hpp"
#include "core/clock.hpp"

namespace ps::db {
class database;
}
namespace ps::realtime {
class hub;
class event_catalog;
}  // namespace ps::realtime
namespace ps::mail {
class outbox;
}
namespace ps::chat {
class history_cache;
}
namespace ps::accounts {
class credential_cache;
}
namespace ps::access {
class seen_rooms;
}
namespace ps::push {
class presence;
struct vapid_keys;
}  // namespace ps::push

namespace ps {

class attempt_counter;

// Counters exported at /metrics.
struct metrics {
  std::atomic<std::uint64_t> http_requests{0};
  std::atomic<std::uint64_t> messages{0};
  std::atomic<std::uint64_t> ws_connections{0};
  // Web Push (notifications/courier.cpp): accepted by a push service, refused or failed.
  std::atomic<std::uint64_t> pushes_sent{0};
  std::atomic<std::uint64_t> pushes_failed{0};
  std::atomic<std::uint64_t> unseen_emails{0};  // emails of unseen mentions queued
};

// What a service needs from the running server, passed in (never a global): built once by
// cli/serve.cpp, or by a test with a temporary database and a manual clock.
struct app {
  const config& cfg;
  db::database& db;
  realtime::hub& hub;
  const ps::clock& clock;
  mail::outbox& outbox;
  metrics& stats;
  attempt_counter& throttle;     // the limits of accounts/throttle.hpp (log-ins, login links)
  chat::history_cache& history;  // the latest page of busy channels, as JSON
  const realtime::event_catalog& events;  // how each logged event type is replayed
  // Who each session and token belongs to, for a few seconds; none on SQLite, where asking the
  // database costs microseconds (accounts/credential_cache.hpp).
  accounts::credential_cache* credentials = nullptr;
  // Which rooms each account may read, for a few seconds; none on SQLite, for the same reason
  // (access/seen_rooms.hpp).
  access::seen_rooms* seen_rooms = nullptr;
  // Who is in the app on this node (push/presence.hpp), and the key pair pushes are signed with
  // (push/service.hpp); none in tests that do not push.
  push::presence* presence = nullptr;
  const push::vapid_keys* vapid = nullptr;
};

}  // namespace ps
