#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "accounts/auth.hpp"
#include "http/asio.hpp"
#include "http/dispatcher.hpp"
#include "http/network_thread.hpp"
#include "http/websocket_session.hpp"

namespace ps::http {
namespace {

using namespace net;
namespace bhttp = beast::http;
using asio::awaitable;
using asio::use_awaitable;

constexpr std::size_t max_body = 1024 * 1024;

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
};

// A browser may open the stream only from our own pages; scripts send no Origin at all.
bool origin_allowed(const bhttp::request<bhttp::string_body>& req, const config& cfg) {
  const auto origin = req[bhttp::field::origin];
  if (origin.empty()) return true;
  if (origin == cfg.public_url) return true;
  const std::string host(req[bhttp::field::host]);
  return origin == "http://" + host || origin == "https://" + host;
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
                            bool head = false) {
  add_security_headers(res);
  auto out = to_beast(std::move(res), version, keep_alive, head);
  beast::error_code ec;
  co_await bhttp::async_write(stream, out, asio::redirect_error(use_awaitable, ec));
}

awaitable<void> serve_connection(tcp_socket socket, shared& s, std::size_t shard) {
  http_stream stream(std::move(socket));
  beast::error_code ec;
  const std::string remote = stream.socket().remote_endpoint(ec).address().to_string();
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(max_body);
    parser.header_limit(32 * 1024);
    stream.expires_after(std::chrono::seconds(60));
    co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
    if (ec == bhttp::error::body_limit) {
      co_await write_plain(stream,
                           error_response(errors::make(error_code::payload_too_large), locale::fr),
                           11, false);
      break;
    }
    if (ec) break;
    auto& raw = parser.get();
    const unsigned version = raw.version();
    const bool keep_alive = raw.keep_alive();
    const bool head = raw.method() == bhttp::verb::head;

    if (beast::websocket::is_upgrade(raw) && raw.target() == "/api/v1/stream") {
      std::optional<caller> who;
      std::optional<response> refusal;
      {
        request plain = to_plain(raw, remote);
        const locale lang = locale_from_accept_language(plain.header("accept-language"));
        if (!origin_allowed(raw, s.app.cfg))
          refusal = error_response(errors::forbidden(), lang);
        else if (!(who = accounts::authenticate(s.app, plain)))
          refusal = error_response(errors::unauthenticated(), lang);
      }
      if (refusal) {
        co_await write_plain(stream, std::move(*refusal), version, false);
        break;
      }
      stream.expires_never();
      // The stream gets a coroutine of its own and this one ends, so that an idle connection
      // does not keep the HTTP session's buffers and parser alive. The WebSocket keeps its own
      // timeouts, so it takes the bare socket.
      auto executor = stream.get_executor();
      asio::co_spawn(executor,
                     run_websocket(s.app, *who, stream.release_socket(), shard, parser.release()),
                     log_failure);
      co_return;
    }

    request plain = to_plain(raw, remote);
    const auto started = std::chrono::steady_clock::now();
    response res;
    const runs_on where = s.routes.where(plain);
    if (where == runs_on::network) {
      res = s.routes.handle(plain);
    } else if (where == runs_on::queued_write) {
      // The reply comes from the SQLite writer's thread once the commit is durable; this
      // coroutine is resumed with it on its own thread.
      res = co_await asio::async_initiate<decltype(use_awaitable), void(response)>(
          [&s, &plain, shard](auto handler) {
            auto waiting = std::make_shared<decltype(handler)>(std::move(handler));
            auto& here = *s.threads[shard];
            s.routes.handle_queued(
                plain,
                [&here, waiting](response r) {
                  here.post([waiting, r = std::move(r)]() mutable { (*waiting)(std::move(r)); });
                },
                [&here](std::function<void()> work) { here.post(std::move(work)); });
          },
          use_awaitable);
    } else {
      auto& pool = where == runs_on::hashing_pool ? s.hashing : s.blocking;
      res = co_await asio::co_spawn(
          pool, [&s, &plain]() -> awaitable<response> { co_return s.routes.handle(plain); },
          use_awaitable);
    }
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
    spdlog::info("request method={} path={} status={} duration_ms={:.3f} remote={}",
                 std::string_view(raw.method_string()), plain.path, res.status, micros / 1000.0,
                 remote);
    auto out = to_beast(std::move(res), version, keep_alive, head);
    co_await bhttp::async_write(stream, out, asio::redirect_error(use_awaitable, ec));
    if (ec || !keep_alive) break;
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
  impl(ps::app& app, dispatcher& routes, const std::string& listen, int threads)
      : network(make_threads(threads > 0 ? static_cast<unsigned>(threads)
                                         : std::max(1u, std::thread::hardware_concurrency()))),
        blocking(blocking_threads),
        hashing(hashing_threads),
        acceptor(network.front()->context()),
        signals(network.front()->context(), SIGINT, SIGTERM),
        state{app, routes, blocking, hashing, network} {
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

  // Declared first: destroyed last, after everything that uses their contexts.
  std::vector<std::unique_ptr<network_thread>> network;
  asio::thread_pool blocking;
  asio::thread_pool hashing;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  shared state;
};

server::server(ps::app& app, dispatcher& routes, const std::string& listen, int threads)
    : impl_(std::make_unique<impl>(app, routes, listen, threads)) {}

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
