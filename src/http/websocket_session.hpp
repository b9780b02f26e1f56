#pragma once
#include "http/asio.hpp"
#include "app/app.hpp"
#include "core/caller.hpp"

namespace ps::http {

// Runs the stream of one connection already upgraded by the HTTP session: registers it with
// the hub, answers its frames, and writes events through one bounded queue.
net::asio::awaitable<void> run_websocket(ps::app& app, caller who, net::beast::tcp_stream stream,
                                         net::beast::http::request<net::beast::http::string_body> upgrade);

inline constexpr std::size_t max_queued_frames = 1024;

}  // namespace ps::http
