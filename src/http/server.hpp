#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "app/app.hpp"

namespace ps::http {

class dispatcher;

// How long the server waits on a client before it lets go of the connection. Tests shorten them.
struct server_timeouts {
  // A new connection's first request head: slow or silent connections give their descriptor
  // back quickly.
  std::chrono::milliseconds first_header{10'000};
  // The next head on a kept connection (a browser keeps connections open between clicks).
  std::chrono::milliseconds keep_alive{60'000};
  // A body kept in memory, whole; a streamed body (an upload, a file sent), each piece of it.
  std::chrono::milliseconds body{60'000};
};

// The network side: accepts connections on one address, reads HTTP requests, upgrades
// /api/v1/stream to a WebSocket, and runs everything on `threads` network threads with C++20
// coroutines, each thread with its own io_context and its own connections. Work that would
// block those threads goes to a small worker pool. Upload bodies go to DATA/tmp, which the
// constructor makes and empties.
class server {
 public:
  server(ps::app& app, dispatcher& dispatcher, const std::string& listen, int threads,
         server_timeouts timeouts = {});
  ~server();
  // The port actually bound (useful when listening on port 0).
  unsigned short port() const;
  // The network threads, each with its own connections (the hub's shards).
  std::size_t thread_count() const;
  // Runs work on one network thread, after what was posted there before.
  void post(std::size_t thread, std::function<void()> work);
  // Serves until SIGINT or SIGTERM, or stop().
  void run();
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ps::http
