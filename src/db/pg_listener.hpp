#pragma once
// Internal to db/: how a PostgreSQL node hears the other nodes' announcements (LISTEN/NOTIFY),
// apart from postgresql.cpp's connections and pool.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "db/database.hpp"
#include "db/pooled.hpp"

typedef struct pg_conn PGconn;  // libpq's, without its header here

namespace ps::db::detail {

// The NOTIFY channel every node listens on.
inline constexpr std::string_view announcement_channel = "petitesalle";

// Milliseconds since the epoch: what an announcement carries as its sending time.
std::int64_t wall_clock_ms();

// A connection the listener can wait on (its libpq handle).
class listening_connection : public connection {
 public:
  virtual PGconn* handle() const = 0;
};

// The other nodes' announcements: a connection of its own LISTENs, and a thread waits on its
// socket (and sends what announce_now queued). After a lost connection it reconnects every
// second and hands on an empty message: "some may have been missed, catch up from the log".
class pg_listener {
 public:
  // Returns once it listens (or has failed once to connect, and goes on trying): what commits
  // after that reaches it.
  pg_listener(std::function<std::unique_ptr<listening_connection>()> open, std::string node,
              std::function<void(std::string_view)> deliver);
  ~pg_listener();
  pg_listener(const pg_listener&) = delete;
  pg_listener& operator=(const pg_listener&) = delete;

  // Sends `message` to the other nodes within 20 ms, outside any transaction (typing notices).
  void send(std::string message);
  database::lag_summary lag() const;

 private:
  static constexpr std::size_t max_outgoing = 10'000;  // typing notices are dropped past it

  void run();
  void serve(listening_connection& conn);
  void record_lag(double ms);
  void receive(std::string_view payload);

  std::function<std::unique_ptr<listening_connection>()> open_;
  std::string node_;
  std::function<void(std::string_view)> deliver_;
  std::mutex outgoing_mutex_;
  std::vector<std::string> outgoing_;
  // The lags of the last lags_.size() announcements received, as a ring.
  mutable std::mutex lags_mutex_;
  std::array<double, 1000> lags_{};
  std::uint64_t lag_count_ = 0;
  double lag_sum_ms_ = 0;
  std::atomic<bool> stopping_{false};
  std::promise<void> listening_;
  std::thread thread_;
};

}  // namespace ps::db::detail
