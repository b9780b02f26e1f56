#pragma once
#include "app/app.hpp"
#include "core/caller.hpp"
#include "http/asio.hpp"

namespace ps::http {

// Runs the stream of one connection already upgraded by the HTTP session, on the network
// thread `shard` that owns it: registers it with the hub, answers its frames, and writes events
// through one bounded queue.
net::asio::awaitable<void> run_websocket(
    ps::app& app, caller who, net::tcp_socket socket, std::size_t shard,
    net::beast::http::request<net::beast::http::string_body> upgrade);

inline constexpr std::size_t max_queued_frames = 1024;

}  // namespace ps::http
