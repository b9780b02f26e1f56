#pragma once
#include "app/app.hpp"
#include "core/caller.hpp"
#include "http/asio.hpp"
#include "http/connection_limits.hpp"

namespace ps::http {

// Runs the stream of one connection already upgraded by the HTTP session, on the network
// thread `shard` that owns it: registers it with the hub, answers its frames (reading the
// database for them on `blocking`, never on the network thread), and writes events through one
// bounded queue. The tickets (its address's and its account's places) are held
// until the connection is gone.
struct stream_tickets {
  connection_limits::ticket address;
  connection_limits::ticket account;
};
net::asio::awaitable<void> run_websocket(
    ps::app& app, caller who, net::tcp_socket socket, std::size_t shard,
    net::beast::http::request<net::beast::http::string_body> upgrade, stream_tickets tickets,
    net::asio::thread_pool& blocking);

inline constexpr std::size_t max_queued_frames = 1024;

}  // namespace ps::http
