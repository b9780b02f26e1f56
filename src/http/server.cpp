#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "accounts/auth.hpp"
#include "accounts/throttle.hpp"
#include "http/asio.hpp"
#include "http/body_streaming.hpp"
#include "http/connection_limits.hpp"
#include "http/dispatcher.hpp"
#include "http/network_thread.hpp"
#include "http/temp_file.hpp"
#include "http/websocket_session.hpp"

namespace ps::http {
namespace {

using namespace net;
namespace bhttp = beast::http;
using asio::awaitable;
using asio::use_awaitable;

verb to_verb(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return verb::get;
    case bhttp::verb::head:
      return verb::head;
    case bhttp::verb::post:
      return verb::post;
    case bhttp::verb::put:
      return verb::put;
    case bhttp::verb::patch:
      return verb::patch;
    case bhttp::verb::delete_:
      return verb::del;
    case bhttp::verb::options:
      return verb::options;
    default:
      return verb::other;
  }
}

request to_plain(bhttp::request<bhttp::string_body>& in, const std::string& remote) {
  request out;
  out.method = to_verb(in.method());
  const std::string_view target = in.target();
  const auto q = target.find('?');
  out.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) out.query = std::string(target.substr(q + 1));
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.body = std::move(in.body());
  out.remote_address = remote;
  return out;
}

bhttp::response<bhttp::string_body> to_beast(response&& in, unsigned version, bool keep_alive,
                                             bool head) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(in.status), version};
  out.set(bhttp::field::server, "petitesalle");
  if (!in.content_type.empty()) out.set(bhttp::field::content_type, in.content_type);
  for (auto& [name, value] : in.headers) out.insert(name, value);
  out.body() = in.static_body.data() ? std::string(in.static_body) : std::move(in.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  if (head) {
    const auto length = out.body().size();
    out.body().clear();
    out.content_length(length);
  }
  return out;
}

// The parts of the running server that every connection uses.
struct shared {
  ps::app& app;
  dispatcher& routes;
  asio::thread_pool& blocking;
  asio::thread_pool& hashing;
  std::vector<std::unique_ptr<network_thread>>& threads;
  connection_limits& limits;
  const server_timeouts& timeouts;
  std::filesystem::path temp;  // DATA/tmp, for upload bodies
};

// After refusing a request whose body is still arriving, how long and how much of it is read
// and thrown away so that the client, still writing, gets to read the answer (a close with
// unread data would reset the connection and lose it).
constexpr auto linger_time = std::chrono::seconds(5);
constexpr std::size_t linger_bytes = 64 * 1024 * 1024;

// A browser may open the stream only from our own pages; scripts send no Origin at all.
bool origin_allowed(const bhttp::request<bhttp::string_body>& req, const config& cfg) {
  const auto origin = req[bhttp::field::origin];
  return origin.empty() || is_own_origin(origin, cfg);
}

void log_failure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("connection: {}", ex.what());
  }
}

awaitable<void> write_plain(http_stream& stream, response res, unsigned version, bool keep_alive,
                            const config& cfg, bool head = false) {
  add_security_headers(res, cfg);
  auto out = to_beast(std::move(res), version, keep_alive, head);
  beast::error_code ec;
  co_await bhttp::async_write(stream, out, asio::redirect_error(use_awaitable, ec));
}

// The "lingering close": after an error sent while the client may still be writing, stop
// writing, then read and discard for a bounded moment before closing.
// One line per request, structured, for the operator's log.
void log_request(std::string_view method, std::string_view path, int status, std::int64_t micros,
                 std::string_view remote) {
  spdlog::info("request method={} path={} status={} duration_ms={:.3f} remote={}", method, path,
               status, static_cast<double>(micros) / 1000.0, remote);
}

awaitable<void> linger_then_close(http_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(linger_time);
  std::array<char, 16 * 1024> sink;
  std::size_t discarded = 0;
  while (!ec && discarded < linger_bytes)
    discarded += co_await stream.async_read_some(asio::buffer(sink),
                                                 asio::redirect_error(use_awaitable, ec));
  stream.socket().close(ec);
}

// What a request that could not be read gets, if anything: a time-out or a closed connection
// gets nothing; bad framing a 400 and too large headers a 431, so the client knows why.
std::optional<api_error> read_failure(const beast::error_code& ec) {
  if (ec == bhttp::error::header_limit) return errors::make(error_code::headers_too_large);
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == beast::error::timeout)
    return std::nullopt;
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category())
    return errors::make(error_code::malformed_request);
  return std::nullopt;  // the socket's own errors: the peer is gone
}

// Both a Content-Length and a Transfer-Encoding, or two Content-Lengths: a proxy in front may
// read the body's end elsewhere than we do (request smuggling), so such a request is refused.
bool framing_is_ambiguous(const bhttp::request<bhttp::string_body>& head) {
  const auto lengths = head.count(bhttp::field::content_length);
  return lengths > 1 || (lengths == 1 && head.count(bhttp::field::transfer_encoding) > 0);
}

// The stream, once the upgrade request is read: same-origin and signed-in, within the
// account's share of streams. Ends the HTTP coroutine; the stream gets one of its own.
awaitable<bool> upgrade_to_stream(http_stream& stream,
                                  bhttp::request_parser<bhttp::string_body>& parser, shared& s,
                                  std::size_t shard, const std::string& remote,
                                  connection_limits::ticket& address_ticket) {
  auto& raw = parser.get();
  std::optional<caller> who;
  std::optional<response> refusal;
  connection_limits::ticket account_ticket;
  {
    request plain = to_plain(raw, remote);
    const locale lang = locale_from_accept_language(plain.header("accept-language"));
    if (!origin_allowed(raw, s.app.cfg))
      refusal = error_response(errors::forbidden(), lang);
    else if (!(who = accounts::authenticate(s.app, plain)))
      refusal = error_response(errors::unauthenticated(), lang);
    else if (!(account_ticket = s.limits.stream_of(who->account_id)))
      refusal = error_response(errors::make(error_code::too_many_connections), who->lang);
  }
  if (refusal) {
    co_await write_plain(stream, std::move(*refusal), raw.version(), false, s.app.cfg);
    co_return false;
  }
  stream.expires_never();
  // The stream gets a coroutine of its own and this one ends, so that an idle connection
  // does not keep the HTTP session's buffers and parser alive. The WebSocket keeps its own
  // timeouts, so it takes the bare socket.
  auto executor = stream.get_executor();
  asio::co_spawn(executor,
                 run_websocket(s.app, *who, stream.release_socket(), shard, parser.release(),
                               stream_tickets{std::move(address_ticket), std::move(account_ticket)},
                               s.blocking),
                 log_failure);
  co_return true;
}

// Runs the handler where its route says, and waits for its reply without blocking the thread.
awaitable<response> run_handler(shared& s, request& plain, const route_match& m,
                                std::size_t shard) {
  const runs_on where = s.routes.where(plain, m);
  if (where == runs_on::network) co_return s.routes.handle(plain, m);
  if (where == runs_on::queued_write) {
    // The reply comes from the SQLite writer's thread once the commit is durable; this
    // coroutine is resumed with it on its own thread.
    co_return co_await asio::async_initiate<decltype(use_awaitable), void(response)>(
        [&s, &plain, &m, shard](auto handler) {
          auto waiting = std::make_shared<decltype(handler)>(std::move(handler));
          auto& here = *s.threads[shard];
          s.routes.handle_queued(
              plain, m,
              [&here, waiting](response r) {
                here.post([waiting, r = std::move(r)]() mutable { (*waiting)(std::move(r)); });
              },
              [&here](std::function<void()> work) { here.post(std::move(work)); });
        },
        use_awaitable);
  }
  auto& pool = where == runs_on::hashing_pool ? s.hashing : s.blocking;
  co_return co_await asio::co_spawn(
      pool, [&s, &plain, &m]() -> awaitable<response> { co_return s.routes.handle(plain, m); },
      use_awaitable);
}

awaitable<void> serve_connection(tcp_socket socket, shared& s, std::size_t shard) {
  beast::error_code ec;
  const std::string remote = socket.remote_endpoint(ec).address().to_string();
  if (ec) co_return;
  // Counted per client network as the log-in throttle counts them (an IPv6 client by its /64,
  // which it holds whole): one phone must not pass for 2^64 addresses of 128 connections each.
  auto address_ticket = s.limits.connection_from(accounts::network_of(remote));
  if (!address_ticket) {
    // This address holds its share already: nothing is read, nothing is kept.
    socket.close(ec);
    co_return;
  }
  http_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (bool first = true;; first = false) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(32 * 1024);
    // The route's limit is set once the head names the route; until then Beast would apply its
    // own default to Content-Length while reading the head.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    stream.expires_after(first ? s.timeouts.first_header : s.timeouts.keep_alive);
    co_await bhttp::async_read_header(stream, buffer, parser,
                                      asio::redirect_error(use_awaitable, ec));
    std::optional<api_error> refused;
    std::size_t limit = max_body;
    route_match m;
    if (ec) {
      refused = read_failure(ec);
    } else if (framing_is_ambiguous(parser.get())) {
      refused = errors::make(error_code::malformed_request);
    } else {
      // The route, found once for the whole request, and its own limit, known before a byte
      // of the body is read.
      const std::string_view target = parser.get().target();
      m = s.routes.match(to_verb(parser.get().method()), target.substr(0, target.find('?')));
      limit = s.routes.body_limit(m);
      const auto declared = parser.content_length();
      if (declared && *declared > limit) {
        ec = bhttp::error::body_limit;
      } else if (!(m.found && m.found->upload)) {  // an upload's body is read by serve_upload
        parser.body_limit(limit);
        stream.expires_after(s.timeouts.body);
        co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
      }
      if (ec == bhttp::error::body_limit)
        refused = errors::payload_too_large(static_cast<long>(limit));
      else if (ec)
        refused = read_failure(ec);
    }
    if (refused || ec) {
      if (refused) {
        const locale lang =
            locale_from_accept_language(parser.get()[bhttp::field::accept_language]);
        co_await write_plain(stream, error_response(*refused, lang), 11, false, s.app.cfg);
        co_await linger_then_close(stream);
        co_return;
      }
      break;
    }
    auto& raw = parser.get();
    const unsigned version = raw.version();
    const bool keep_alive = raw.keep_alive();
    const bool head = raw.method() == bhttp::verb::head;
    const std::string method_name(raw.method_string());  // an upload's parser moves on

    if (beast::websocket::is_upgrade(raw) && raw.target() == "/api/v1/stream") {
      if (co_await upgrade_to_stream(stream, parser, s, shard, remote, address_ticket)) co_return;
      break;
    }

    request plain = to_plain(raw, remote);  // for an upload, the head: its body is unread
    const auto started = std::chrono::steady_clock::now();
    response res;
    if (m.found && m.found->upload) {
      auto streamed = co_await streaming::serve_upload(stream, buffer, parser, plain, m, s.routes,
                                                       s.blocking, s.temp, s.timeouts.body);
      if (!streamed.reply) {
        // Cut off, or not valid HTTP (a bad chunk): only the latter is answered.
        const auto failure = read_failure(streamed.read_error);
        if (!failure) break;
        streamed.reply =
            error_response(*failure, locale_from_accept_language(plain.header("accept-language")));
        streamed.refused = true;
      }
      if (streamed.refused) {
        co_await write_plain(stream, std::move(*streamed.reply), version, false, s.app.cfg);
        co_await linger_then_close(stream);
        co_return;
      }
      res = std::move(*streamed.reply);
    } else {
      res = co_await run_handler(s, plain, m, shard);
    }
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
    int status = res.status;
    bool keep_open = keep_alive;
    if (res.file) {
      // Sent in pieces read on the blocking pool; its status (200, 206, 304, 416) comes from
      // the request's Range and If-None-Match.
      const auto sent =
          co_await streaming::send_file(stream, plain, std::move(res), version, keep_alive,
                                        s.blocking, s.timeouts.body, s.app.cfg);
      status = sent.status;
      keep_open = sent.keep_open;
      log_request(method_name, plain.path, status, micros, remote);
    } else {
      // Logged before the answer leaves: once the client has it, it may stop the server (a
      // test, an operator's script) before this coroutine runs again, and the line would be
      // lost.
      log_request(method_name, plain.path, status, micros, remote);
      auto out = to_beast(std::move(res), version, keep_alive, head);
      co_await bhttp::async_write(stream, out, asio::redirect_error(use_awaitable, ec));
      keep_open = keep_alive && !ec;
    }
    if (!keep_open) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

// Accepts on the first network thread and deals the connections out to every thread in turn.
awaitable<void> accept_loop(tcp::acceptor& acceptor, shared& s) {
  std::size_t next = 0;
  for (;;) {
    beast::error_code ec;
    const std::size_t shard = next++ % s.threads.size();
    tcp_socket socket = co_await acceptor.async_accept(s.threads[shard]->context(),
                                                       asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of file descriptors, for example: wait a little rather than spin.
      spdlog::warn("accept: {}", ec.message());
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_awaitable);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve_connection(std::move(socket), s, shard), log_failure);
  }
}

tcp::endpoint parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw std::runtime_error("--listen must be HOST:PORT, got " + listen);
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::runtime_error("port out of range in " + listen);
  return {asio::ip::make_address(host), static_cast<unsigned short>(port)};
}

}  // namespace

struct server::impl {
  impl(ps::app& app, dispatcher& routes, const std::string& listen, int threads,
       server_timeouts waits)
      : timeouts(waits),
        network(make_threads(threads > 0 ? static_cast<unsigned>(threads)
                                         : std::max(1u, std::thread::hardware_concurrency()))),
        blocking(blocking_threads),
        hashing(hashing_threads),
        acceptor(network.front()->context()),
        signals(network.front()->context(), SIGINT, SIGTERM),
        limits(app.cfg.max_connections_per_address, app.cfg.max_streams_per_account),
        state{app,     routes, blocking, hashing,
              network, limits, timeouts, temp_folder(app.cfg.data_dir)} {
    // Before the first connection: what is there now was left by a server that stopped
    // mid-upload.
    prepare_temp_folder(state.temp);
    const auto endpoint = parse_listen(listen);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
  }

  // Threads that mostly sleep waiting for a group commit: cheap, and they bound how many
  // writes can share one commit.
  static constexpr int blocking_threads = 64;
  // argon2id takes 64 MiB and ~60 ms per hash: two at a time.
  static constexpr int hashing_threads = 2;

  static std::vector<std::unique_ptr<network_thread>> make_threads(unsigned count) {
    std::vector<std::unique_ptr<network_thread>> out;
    for (unsigned i = 0; i < count; ++i) out.push_back(std::make_unique<network_thread>());
    return out;
  }

  server_timeouts timeouts;
  // Declared first (after the timeouts): destroyed last, after everything that uses their
  // contexts.
  std::vector<std::unique_ptr<network_thread>> network;
  asio::thread_pool blocking;
  asio::thread_pool hashing;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  connection_limits limits;
  shared state;
};

server::server(ps::app& app, dispatcher& routes, const std::string& listen, int threads,
               server_timeouts timeouts)
    : impl_(std::make_unique<impl>(app, routes, listen, threads, timeouts)) {}

server::~server() = default;

unsigned short server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::size_t server::thread_count() const {
  return impl_->network.size();
}

void server::post(std::size_t thread, std::function<void()> work) {
  impl_->network.at(thread)->post(std::move(work));
}

void server::run() {
  auto& i = *impl_;
  i.signals.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: stopping", signal);
    stop();
  });
  asio::co_spawn(i.network.front()->context(), accept_loop(i.acceptor, i.state), log_failure);
  // A thread with no connection yet has nothing to wait for: the guards keep each one running
  // until stop().
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  for (auto& thread : i.network) keep_running.push_back(asio::make_work_guard(thread->context()));
  std::vector<std::thread> others;
  for (std::size_t t = 1; t < i.network.size(); ++t)
    others.emplace_back([&i, t] { i.network[t]->context().run(); });
  i.network.front()->context().run();
  for (auto& t : others) t.join();
  i.blocking.join();
  i.hashing.join();
}

void server::stop() {
  asio::post(impl_->network.front()->context(), [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->signals.cancel(ec);
    for (auto& thread : impl_->network) thread->context().stop();
  });
}

}  // namespace ps::http
