#include "db/pg_listener.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace ps::db::detail {

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

pg_listener::pg_listener(std::function<std::unique_ptr<listening_connection>()> open,
                         std::string node, std::function<void(std::string_view)> deliver)
    : open_(std::move(open)), node_(std::move(node)), deliver_(std::move(deliver)) {
  auto ready = listening_.get_future();
  thread_ = std::thread([this] { run(); });
  ready.wait_for(std::chrono::seconds(10));
}

pg_listener::~pg_listener() {
  stopping_.store(true);
  thread_.join();
}

void pg_listener::send(std::string message) {
  std::lock_guard lock(outgoing_mutex_);
  if (outgoing_.size() < max_outgoing) outgoing_.push_back(std::move(message));
}

database::lag_summary pg_listener::lag() const {
  std::lock_guard lock(lags_mutex_);
  database::lag_summary out;
  out.sum_ms = lag_sum_ms_;
  out.count = lag_count_;
  std::vector<double> recent(
      lags_.begin(), lags_.begin() + static_cast<std::ptrdiff_t>(
                                         std::min<std::uint64_t>(lag_count_, lags_.size())));
  if (recent.empty()) return out;
  auto quantile = [&recent](double q) {
    auto at = recent.begin() +
              static_cast<std::ptrdiff_t>(q * static_cast<double>(recent.size() - 1) + 0.5);
    std::nth_element(recent.begin(), at, recent.end());
    return *at;
  };
  out.p50_ms = quantile(0.5);
  out.p99_ms = quantile(0.99);
  return out;
}

void pg_listener::run() {
  bool first = true;
  while (!stopping_.load()) {
    try {
      auto conn = open_();
      conn->execute_script("LISTEN " + std::string(announcement_channel));
      if (!first) deliver_("");  // what came while we were away is in the log
      if (first) listening_.set_value();
      first = false;
      serve(*conn);
    } catch (const std::exception& e) {
      spdlog::warn("postgresql notifications: {}; reconnecting in a second", e.what());
      if (first) {
        listening_.set_value();
        first = false;  // the first that works is then a reconnection: catch up
      }
      for (int i = 0; i < 10 && !stopping_.load(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

void pg_listener::serve(listening_connection& conn) {
  PGconn* raw = conn.handle();
  while (!stopping_.load()) {
    std::vector<std::string> sending;
    {
      std::lock_guard lock(outgoing_mutex_);
      sending.swap(outgoing_);
    }
    if (!sending.empty()) conn.send_announcements(sending);
    pollfd waiting{PQsocket(raw), POLLIN, 0};
    // Short waits: announce_now's messages leave within 20 ms, and stopping is noticed.
    if (::poll(&waiting, 1, 20) < 0 && errno != EINTR) throw unavailable("poll failed");
    if (!PQconsumeInput(raw)) throw unavailable(PQerrorMessage(raw));
    while (PGnotify* n = PQnotifies(raw)) {
      std::unique_ptr<PGnotify, decltype(&PQfreemem)> owned(n, &PQfreemem);
      receive(n->extra ? n->extra : "");
    }
  }
}

void pg_listener::record_lag(double ms) {
  std::lock_guard lock(lags_mutex_);
  lags_[lag_count_ % lags_.size()] = ms;
  ++lag_count_;
  lag_sum_ms_ += ms;
}

void pg_listener::receive(std::string_view payload) {
  const auto line = payload.find('\n');
  const std::string_view head = payload.substr(0, line);
  const auto space = head.find(' ');
  if (head.substr(0, space) == node_) return;  // our own
  if (space != std::string_view::npos) {
    try {
      const auto sent = std::stoll(std::string(head.substr(space + 1)));
      record_lag(static_cast<double>(wall_clock_ms() - sent));
    } catch (const std::exception&) {
    }
  }
  for (auto rest = line == std::string_view::npos ? std::string_view{} : payload.substr(line + 1);
       !rest.empty();) {
    const auto end = rest.find('\n');
    const std::string_view message = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (message.empty()) continue;
    try {
      deliver_(message);
    } catch (const std::exception& e) {
      spdlog::error("announcement from another node: {}", e.what());
    }
  }
}

}  // namespace ps::db::detail
