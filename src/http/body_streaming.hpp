#pragma once
#include <chrono>
#include <filesystem>
#include <optional>

#include "app/config.hpp"
#include "core/error.hpp"
#include "http/asio.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "http/temp_file.hpp"

// The Beast side of bodies that are not kept in memory: an upload read from the socket in
// pieces into a temporary file, and a file sent in pieces. The socket is read and written on
// the connection's network thread, where Asio waits for it without blocking; the disk is read
// and written only on the blocking pool, one piece at a time, so a slow disk never holds up a
// network thread and a large body never sits whole in memory. Used by http/server.cpp only.
namespace ps::http {
class dispatcher;
}

namespace ps::http::streaming {

using head_parser = net::beast::http::request_parser<net::beast::http::string_body>;

// What receiving an upload's body gave.
struct received {
  std::optional<temp_file> file;      // the whole body, when it came
  net::beast::error_code read_error;  // from reading the socket (body_limit: over the limit)
  std::optional<api_error> refusal;   // the disk failed (500): answer it
};

// Reads the body whose head `head` has read, at most `limit` bytes, into a new file in
// `folder`. Each wait for the client may last `idle`; a client that sends nothing for that
// long, or goes away, leaves no file behind (nor does a refused body).
net::asio::awaitable<received> receive_to_file(net::http_stream& stream,
                                               net::beast::flat_buffer& buffer, head_parser& head,
                                               std::size_t limit,
                                               const std::filesystem::path& folder,
                                               net::asio::thread_pool& pool,
                                               std::chrono::milliseconds idle);

// What an upload route came to: a reply; a refusal, to send before a lingering close (the rest
// of the body may still be coming); or nothing, with the socket's error (the client went away,
// stopped sending, or sent something that is not HTTP).
struct upload_outcome {
  std::optional<response> reply;
  bool refused = false;
  net::beast::error_code read_error;
};

// An upload route (router::add_upload), once its head is read: the head is checked first (the
// CSRF rule, a signed-in caller), then the body is streamed to a file in `folder` (as
// receive_to_file), then the handler runs on the blocking pool with it.
net::asio::awaitable<upload_outcome> serve_upload(
    net::http_stream& stream, net::beast::flat_buffer& buffer, head_parser& parser,
    const request& head, const route_match& m, dispatcher& routes, net::asio::thread_pool& pool,
    const std::filesystem::path& folder, std::chrono::milliseconds idle);

struct sent {
  int status = 200;
  bool keep_open = false;  // false: the connection must close (the client went away, or the
                           // file shrank and the promised length cannot be sent)
};

// Sends `res`, whose `file` is set, as plan_file_reply decides for `req` (ETag, Range, 304,
// HEAD). A file that cannot be opened is a 404. Each write may wait `idle` for the client.
net::asio::awaitable<sent> send_file(net::http_stream& stream, const request& req, response res,
                                     unsigned version, bool keep_alive,
                                     net::asio::thread_pool& pool, std::chrono::milliseconds idle,
                                     const config& cfg);

}  // namespace ps::http::streaming
