#pragma once
// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>: include it first,
// once, here. Every file that needs Asio or Beast includes this header instead.
// clang-format off
#include <utility>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
// clang-format on

namespace ps::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// Each network thread runs its own io_context, and every socket names that context's executor
// type: no type-erased executor to copy on each operation, and no strand (a connection is only
// ever touched by its own thread).
using executor = asio::io_context::executor_type;
using tcp_socket = asio::basic_stream_socket<tcp, executor>;
using http_stream = beast::basic_stream<tcp, executor>;
}  // namespace ps::net
