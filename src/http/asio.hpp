#pragma once
// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>: include it first,
// once, here. Every file that needs Asio or Beast includes this header instead.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace ps::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
}  // namespace ps::net
