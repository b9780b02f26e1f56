// ps_loadgen's network side: an HTTP client and a WebSocket client on Beast with C++20
// coroutines, and the scenarios that use them. Every scenario runs on one io_context on one
// thread (the machine has two cores, and the server needs them more than we do), except the
// fan-out's members, whose frames are read by one thread per core.
// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
// clang-format on

#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "loadgen.hpp"

namespace lg {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ws = beast::websocket;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using error_code = boost::system::error_code;
using json = nlohmann::json;
using namespace std::chrono_literals;

struct server_addr {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string host_header() const { return host + ":" + std::to_string(port); }
  tcp::endpoint endpoint() const { return {asio::ip::make_address(host), port}; }
};

server_addr server_of(const options& o) {
  server_addr s;
  s.port = static_cast<std::uint16_t>(o.integer("port", 18931));
  return s;
}

std::string random_tag() {
  std::random_device rd;
  std::ostringstream out;
  out << std::hex << rd() % 0xffffff;
  return out.str();
}

double client_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::chrono::steady_clock::time_point at_ns(std::int64_t ns) {
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::nanoseconds(ns)));
}

// Runs a coroutine to completion on ioc; rethrows its exception.
void run_to_end(asio::io_context& ioc, awaitable<void> work) {
  std::exception_ptr failure;
  asio::co_spawn(ioc, std::move(work), [&](std::exception_ptr e) {
    if (e) failure = e;
    ioc.stop();
  });
  ioc.run();
  ioc.restart();
  if (failure) std::rethrow_exception(failure);
}

// Polls pred every 2 ms until it holds or timeout_s passes; returns whether it held.
awaitable<bool> wait_until(std::function<bool()> pred, double timeout_s) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto deadline = now_ns() + static_cast<std::int64_t>(timeout_s * 1e9);
  while (!pred()) {
    if (now_ns() > deadline) co_return false;
    timer.expires_after(2ms);
    co_await timer.async_wait(use_awaitable);
  }
  co_return true;
}

struct reply {
  unsigned status = 0;
  std::string body;
  std::string cookie;  // ps_session from Set-Cookie, if any
};

// One keep-alive HTTP/1.1 connection, reopened once if the server closed it.
class http_client {
 public:
  http_client(asio::any_io_executor ex, server_addr server)
      : stream_(std::move(ex)), server_(std::move(server)) {}

  awaitable<void> open() {
    if (open_) co_return;
    stream_.expires_after(30s);
    co_await stream_.async_connect(server_.endpoint(), use_awaitable);
    stream_.socket().set_option(tcp::no_delay(true));
    open_ = true;
  }

  awaitable<reply> send(bhttp::verb verb, std::string target, std::string body, std::string cookie,
                        std::string bearer = "") {
    error_code ec;
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!open_) {
        stream_.expires_after(30s);
        co_await stream_.async_connect(server_.endpoint(), asio::redirect_error(use_awaitable, ec));
        if (ec) {
          close();
          continue;
        }
        stream_.socket().set_option(tcp::no_delay(true));
        open_ = true;
      }
      bhttp::request<bhttp::string_body> req{verb, target, 11};
      req.set(bhttp::field::host, server_.host_header());
      if (!cookie.empty()) req.set(bhttp::field::cookie, "ps_session=" + cookie);
      if (!bearer.empty()) req.set(bhttp::field::authorization, "Bearer " + bearer);
      if (verb != bhttp::verb::get) {
        req.set(bhttp::field::content_type, "application/json");
        req.set("X-Requested-With", "loadgen");  // the CSRF proof of a cookie request
        req.body() = body;
      }
      req.prepare_payload();
      stream_.expires_after(60s);
      co_await bhttp::async_write(stream_, req, asio::redirect_error(use_awaitable, ec));
      if (!ec) {
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        co_await bhttp::async_read(stream_, buffer_, parser,
                                   asio::redirect_error(use_awaitable, ec));
        if (!ec) {
          auto res = parser.release();
          reply r;
          r.status = res.result_int();
          r.body = std::move(res.body());
          for (auto it = res.find(bhttp::field::set_cookie);
               it != res.end() && it->name() == bhttp::field::set_cookie; ++it) {
            std::string v(it->value());
            if (v.rfind("ps_session=", 0) == 0) r.cookie = v.substr(11, v.find(';') - 11);
          }
          if (!res.keep_alive()) close();
          co_return r;
        }
      }
      close();
    }
    throw boost::system::system_error(ec);
  }

  void close() {
    error_code ignored;
    stream_.socket().close(ignored);
    buffer_.clear();
    open_ = false;
  }

 private:
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  server_addr server_;
  bool open_ = false;
};

json expect(const reply& r, unsigned status, const std::string& what) {
  if (r.status != status)
    throw std::runtime_error(what + ": HTTP " + std::to_string(r.status) + " " +
                             r.body.substr(0, 300));
  return r.body.empty() ? json::object() : json::parse(r.body);
}

// One live stream connection, on a bare socket of its io_context (no type-erased executor and
// no timer bookkeeping on each read: in fan-out, the client reads as many frames as the server
// sends, and its cost is part of the latency measured).
using ws_socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;
struct ws_conn {
  explicit ws_conn(asio::io_context::executor_type ex) : stream(std::move(ex)) {}
  ws::stream<ws_socket> stream;
  beast::flat_buffer buffer;
  std::vector<std::uint8_t> seen;  // fan-out: which posts arrived
  int receiver = 0;                // fan-out: the receiving thread that reads it
  bool second_node = false;        // fan-out with --member-port: connected to the other node
  bool warm = false;
  bool open = false;
};

std::string_view frame_of(const beast::flat_buffer& b) {
  auto data = b.cdata();
  return {static_cast<const char*>(data.data()), data.size()};
}

// Connects, upgrades with the session cookie and reads the hello frame. `source` binds the
// client socket to a loopback address first (127.0.0.2 …) to get more than one port range.
awaitable<void> ws_open(ws_conn& c, server_addr server, std::string cookie,
                        std::optional<asio::ip::address> source) {
  auto& socket = c.stream.next_layer();
  if (source) {
    socket.open(tcp::v4());
    int one = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket.bind(tcp::endpoint(*source, 0));
  }
  // Bounded by the handshake timeout below and by the suite's timeout around each run.
  co_await socket.async_connect(server.endpoint(), use_awaitable);
  socket.set_option(tcp::no_delay(true));
  auto timeouts = ws::stream_base::timeout::suggested(beast::role_type::client);
  timeouts.handshake_timeout = 60s;
  c.stream.set_option(timeouts);
  c.stream.set_option(ws::stream_base::decorator(
      [cookie](ws::request_type& req) { req.set(bhttp::field::cookie, "ps_session=" + cookie); }));
  co_await c.stream.async_handshake(server.host_header(), "/api/v1/stream", use_awaitable);
  c.buffer.clear();
  co_await c.stream.async_read(c.buffer, use_awaitable);
  if (frame_of(c.buffer).find("\"hello\"") == std::string_view::npos)
    throw std::runtime_error("no hello frame: " + std::string(frame_of(c.buffer).substr(0, 200)));
  c.open = true;
}

// Opens `count` stream connections with at most `parallel` handshakes at a time.
struct connector {
  server_addr server;
  // Several nodes: every other connection goes to this one (--member-port), as a load balancer
  // would spread them.
  std::optional<server_addr> other_server;
  const std::vector<std::string>* cookies = nullptr;
  std::vector<std::unique_ptr<ws_conn>>* conns = nullptr;
  int sources = 0;        // 0: no bind; else 127.0.0.2 … 127.0.0.(1+sources)
  int source_offset = 0;  // spreads several processes over the addresses
  int next = 0, connected = 0, failed = 0;
  std::string first_error;
};

awaitable<void> connect_worker(connector& k, int count,
                               std::function<awaitable<void>(ws_conn&)> after_open) {
  for (;;) {
    const int i = k.next++;
    if (i >= count) break;
    auto& c = *(*k.conns)[i];
    std::optional<asio::ip::address> source;
    if (k.sources > 0) {
      const int host = 2 + (i + k.source_offset) % k.sources;
      source = asio::ip::make_address("127.0.0." + std::to_string(host));
    }
    const std::string& cookie = (*k.cookies)[i % k.cookies->size()];
    try {
      co_await ws_open(c, k.other_server && i % 2 == 1 ? *k.other_server : k.server, cookie,
                       source);
      ++k.connected;
      // On the connection's own executor: in fan-out, each receiving thread reads its share.
      asio::co_spawn(c.stream.get_executor(), after_open(c), asio::detached);
    } catch (const std::exception& e) {
      if (k.first_error.empty()) k.first_error = e.what();
      ++k.failed;
    }
  }
}

// Reads frames until the connection ends; hands each to on_frame.
awaitable<void> read_loop(ws_conn& c, std::function<void(ws_conn&, std::string_view)> on_frame) {
  error_code ec;
  for (;;) {
    c.buffer.clear();
    co_await c.stream.async_read(c.buffer, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      c.open = false;
      co_return;
    }
    on_frame(c, frame_of(c.buffer));
  }
}

// ---------------------------------------------------------------------------------------------
// setup: an owner, a community, a channel, a token, an invitation, and N members who joined.

awaitable<void> setup_owner(server_addr server, bench_state& st, std::string& code) {
  http_client c(co_await asio::this_coro::executor, server);
  const std::string tag = random_tag();
  // GCC 12 miscompiles braced initialisers inside a co_await expression: bodies are built first.
  const std::string account = json{
      {"email", "owner-" + tag + "@bench.test"},
      {"password", "bench-password-1"},
      {"display_name", "Owner"},
      {"locale", "en"}}.dump();
  auto r = co_await c.send(bhttp::verb::post, "/api/v1/accounts", account, "");
  expect(r, 201, "sign up owner");
  st.owner_cookie = r.cookie;
  const std::string community = json{{"name", "Bench " + tag}, {"slug", "bench-" + tag}}.dump();
  r = co_await c.send(bhttp::verb::post, "/api/v1/communities", community, st.owner_cookie);
  auto j = expect(r, 201, "create community");
  st.slug = j["community"]["slug"];
  const std::string channel = json{{"name", "general"}, {"kind", "chat"}}.dump();
  r = co_await c.send(bhttp::verb::post, "/api/v1/communities/" + st.slug + "/channels", channel,
                      st.owner_cookie);
  j = expect(r, 201, "create channel");
  st.channel = j["channel"]["id"];
  const std::string token = json{{"name", "bench"}}.dump();
  r = co_await c.send(bhttp::verb::post, "/api/v1/tokens", token, st.owner_cookie);
  j = expect(r, 201, "create token");
  st.owner_token = j["token"];
  const std::string invitation = json{{"max_uses", 100000}}.dump();
  r = co_await c.send(bhttp::verb::post, "/api/v1/communities/" + st.slug + "/invitations",
                      invitation, st.owner_cookie);
  j = expect(r, 201, "create invitation");
  code = j["invitation"]["code"];
}

awaitable<void> setup_members(server_addr server, bench_state& st, std::string code, int& next,
                              int count, std::string tag) {
  http_client c(co_await asio::this_coro::executor, server);
  for (;;) {
    const int i = next++;
    if (i >= count) break;
    const std::string account = json{
        {"email", "m" + std::to_string(i) + "-" + tag + "@bench.test"},
        {"password", "bench-password-1"},
        {"display_name", "Member " + std::to_string(i)},
        {"locale", "en"}}.dump();
    auto r = co_await c.send(bhttp::verb::post, "/api/v1/accounts", account, "");
    expect(r, 201, "sign up member");
    const std::string cookie = r.cookie;
    r = co_await c.send(bhttp::verb::post, "/api/v1/invitations/" + code + "/accept", "{}", cookie);
    expect(r, 201, "accept invitation");
    st.members[i] = cookie;
  }
}

}  // namespace

int run_setup(const options& o) {
  const server_addr server = server_of(o);
  const int members = static_cast<int>(o.integer("members", 100));
  const int parallel = static_cast<int>(o.integer("parallel", 16));
  const std::string file = o.required("state");
  asio::io_context ioc;
  bench_state st;
  std::string code;
  const auto t0 = now_ns();
  run_to_end(ioc, setup_owner(server, st, code));
  st.members.resize(members);
  int next = 0;
  const std::string tag = random_tag();
  std::exception_ptr failure;
  for (int k = 0; k < parallel; ++k)
    asio::co_spawn(ioc, setup_members(server, st, code, next, members, tag),
                   [&](std::exception_ptr e) {
                     if (e && !failure) failure = e;
                   });
  ioc.run();
  if (failure) std::rethrow_exception(failure);
  save_state(st, file);
  const double seconds = static_cast<double>(now_ns() - t0) / 1e9;
  print_result("setup",
               {{"members", members}, {"seconds", seconds}, {"members_per_s", members / seconds}});
  return 0;
}

// ---------------------------------------------------------------------------------------------
// fanout: N members connected, one sender posting at a steady rate.

namespace {

struct fanout_run {
  int total = 0;  // posts to send
  std::string prefix, warm_prefix;
  // Written by the sender just before each POST, read by the receiving threads once the frame
  // is there (the frame cannot arrive before the POST it answers).
  std::unique_ptr<std::atomic<std::int64_t>[]> send_ns;
  std::vector<std::vector<std::int64_t>> latencies;  // one list per receiving thread
  std::vector<std::vector<std::int64_t>> second_node_latencies;  // the same, --member-port's
  std::vector<std::int64_t> acks;
  std::atomic<std::int64_t> delivered = 0, duplicates = 0, warm_seen = 0;
  std::int64_t post_errors = 0;
  int next_post = 0, senders_done = 0;
  std::vector<std::unique_ptr<ws_conn>> conns;  // outlive the read loops

  void on_frame(ws_conn& c, std::string_view f) {
    const auto t = now_ns();
    static constexpr std::string_view key = "\"client_id\":\"";
    auto p = f.find(key);
    if (p == std::string_view::npos) return;
    if (f.find("\"type\":\"message.created\"") == std::string_view::npos) return;
    p += key.size();
    const auto q = f.find('"', p);
    if (q == std::string_view::npos) return;
    const std::string_view id = f.substr(p, q - p);
    if (id.starts_with(warm_prefix)) {
      if (!c.warm) ++warm_seen;
      c.warm = true;
      return;
    }
    if (!id.starts_with(prefix)) return;
    int i = -1;
    std::from_chars(id.data() + prefix.size(), id.data() + id.size(), i);
    if (i < 0 || i >= total) return;
    if (c.seen[i]) {
      ++duplicates;
      return;
    }
    c.seen[i] = 1;
    ++delivered;
    (c.second_node ? second_node_latencies : latencies)[c.receiver].push_back(
        t - send_ns[i].load(std::memory_order_acquire));
  }
};

awaitable<void> fanout_sender(fanout_run& run, server_addr server, std::string cookie,
                              std::int64_t channel, std::int64_t t0, double period_ns) {
  http_client c(co_await asio::this_coro::executor, server);
  co_await c.open();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const std::string target = "/api/v1/channels/" + std::to_string(channel) + "/messages";
  for (;;) {
    const int i = run.next_post++;
    if (i >= run.total) break;
    timer.expires_at(at_ns(t0 + static_cast<std::int64_t>(i * period_ns)));
    co_await timer.async_wait(use_awaitable);
    std::string body = json{{"body", "Fan-out message " + std::to_string(i) +
                                         ": a line of ordinary chat, about as long as people "
                                         "write when they answer a neighbour."},
                            {"client_id", run.prefix + std::to_string(i)}}
                           .dump();
    const auto sent = now_ns();
    run.send_ns[i].store(sent, std::memory_order_release);
    auto r = co_await c.send(bhttp::verb::post, target, std::move(body), cookie);
    run.acks.push_back(now_ns() - sent);
    if (r.status != 201) ++run.post_errors;
  }
  ++run.senders_done;
}

awaitable<void> fanout_main(const options& o, const bench_state& st, fanout_run& run,
                            const std::vector<std::unique_ptr<asio::io_context>>& receivers) {
  auto ex = co_await asio::this_coro::executor;
  const server_addr server = server_of(o);
  const int n = static_cast<int>(
      std::min<long long>(o.integer("members", 100), static_cast<long long>(st.members.size())));
  const double rate = o.number("rate", 10);
  const double duration = o.number("duration", 10);
  const double drain = o.number("drain", 5);
  const int senders = static_cast<int>(o.integer("senders", 8));
  const int pid = static_cast<int>(o.integer("pid", 0));
  run.total = static_cast<int>(rate * duration);
  run.send_ns = std::make_unique<std::atomic<std::int64_t>[]>(static_cast<std::size_t>(run.total));
  run.latencies.resize(receivers.size());
  run.second_node_latencies.resize(receivers.size());

  // Connect the members, dealt out to the receiving threads.
  auto& conns = run.conns;
  for (int i = 0; i < n; ++i) {
    const int r = i % static_cast<int>(receivers.size());
    conns.push_back(
        std::make_unique<ws_conn>(receivers[static_cast<std::size_t>(r)]->get_executor()));
    conns.back()->receiver = r;
    conns.back()->seen.assign(run.total, 0);
  }
  connector k;
  k.server = server;
  k.cookies = &st.members;
  k.conns = &conns;
  k.sources = static_cast<int>(o.integer("sources", 0));
  if (const auto other = o.integer("member-port", 0); other > 0) {
    k.other_server = server;
    k.other_server->port = static_cast<std::uint16_t>(other);
    for (std::size_t i = 1; i < conns.size(); i += 2) conns[i]->second_node = true;
  }
  const auto c0 = now_ns();
  for (int w = 0; w < 64; ++w)
    asio::co_spawn(ex,
                   connect_worker(k, n,
                                  [&run](ws_conn& c) -> awaitable<void> {
                                    return read_loop(c, [&run](ws_conn& cc, std::string_view f) {
                                      run.on_frame(cc, f);
                                    });
                                  }),
                   asio::detached);
  co_await wait_until([&] { return k.connected + k.failed >= n; }, 300);
  const double connect_s = static_cast<double>(now_ns() - c0) / 1e9;
  if (k.failed > 0) std::cerr << "fanout: " << k.failed << " failed: " << k.first_error << "\n";

  // Warm up: one post that every member must receive before measuring.
  {
    http_client c(ex, server);
    const std::string warm = json{{"body", "warm-up"}, {"client_id", run.warm_prefix + "0"}}.dump();
    auto r = co_await c.send(bhttp::verb::post,
                             "/api/v1/channels/" + std::to_string(st.channel) + "/messages", warm,
                             st.owner_cookie);
    expect(r, 201, "warm-up post");
    if (!co_await wait_until([&] { return run.warm_seen >= k.connected; }, 30))
      std::cerr << "fanout: only " << run.warm_seen << " of " << k.connected
                << " got the warm-up post\n";
  }

  const proc_sample p0 = read_proc(pid);
  const double cc0 = client_cpu_seconds();
  const auto t0 = now_ns() + 50'000'000;
  const double period_ns = 1e9 / rate;
  for (int s = 0; s < senders; ++s)
    asio::co_spawn(ex, fanout_sender(run, server, st.owner_cookie, st.channel, t0, period_ns),
                   asio::detached);
  co_await wait_until([&] { return run.senders_done >= senders; }, duration + 120);
  const std::int64_t expected = static_cast<std::int64_t>(run.total) * k.connected;
  co_await wait_until([&] { return run.delivered >= expected; }, drain);
  const auto t1 = now_ns();
  const proc_sample p1 = read_proc(pid);
  const double cc1 = client_cpu_seconds();
  const double wall = static_cast<double>(t1 - t0) / 1e9;
  // The receiving threads are still running: stop them before reading what they wrote.
  for (auto& r : receivers) r->stop();
  co_await wait_until(
      [&] {
        return std::all_of(receivers.begin(), receivers.end(),
                           [](auto& r) { return r->stopped(); });
      },
      5);
  int closed = 0;
  for (auto& c : conns) closed += c->open ? 0 : 1;

  std::vector<std::int64_t> latencies, first, second;
  for (auto& part : run.latencies) first.insert(first.end(), part.begin(), part.end());
  for (auto& part : run.second_node_latencies) second.insert(second.end(), part.begin(), part.end());
  latencies = first;
  latencies.insert(latencies.end(), second.begin(), second.end());
  auto lat = summarize(latencies);
  // With --member-port: the poster's node and the other, apart (the difference is what the
  // relay through PostgreSQL adds).
  auto lat_first = summarize(first), lat_second = summarize(second);
  auto ack = summarize(run.acks);
  print_result("fanout",
               {{"members", n},
                {"connected", k.connected},
                {"rate", rate},
                {"duration", duration},
                {"posts", run.total},
                {"post_errors", static_cast<double>(run.post_errors)},
                {"expected", static_cast<double>(expected)},
                {"delivered", static_cast<double>(run.delivered.load())},
                {"delivered_pct", expected ? 100.0 * static_cast<double>(run.delivered.load()) /
                                                 static_cast<double>(expected)
                                           : 0},
                {"duplicates", static_cast<double>(run.duplicates.load())},
                {"receivers", static_cast<double>(receivers.size())},
                {"closed", closed},
                {"p50_ms", lat.p50_ms},
                {"p99_ms", lat.p99_ms},
                {"max_ms", lat.max_ms},
                {"mean_ms", lat.mean_ms},
                {"same_node_p50_ms", lat_first.p50_ms},
                {"same_node_p99_ms", lat_first.p99_ms},
                {"other_node_p50_ms", second.empty() ? 0 : lat_second.p50_ms},
                {"other_node_p99_ms", second.empty() ? 0 : lat_second.p99_ms},
                {"ack_p50_ms", ack.p50_ms},
                {"ack_p99_ms", ack.p99_ms},
                {"server_cpu_pct", 100.0 * (p1.cpu_seconds - p0.cpu_seconds) / wall},
                {"client_cpu_pct", 100.0 * (cc1 - cc0) / wall},
                {"server_rss_mib", p1.rss_kib / 1024.0},
                {"server_hwm_mib", p1.hwm_kib / 1024.0},
                {"connect_s", connect_s}});
}

}  // namespace

int run_fanout(const options& o) {
  const bench_state st = load_state(o.required("state"));
  asio::io_context ioc;
  fanout_run run;
  const std::string tag = random_tag();
  run.prefix = "f" + tag + "-";
  run.warm_prefix = "w" + tag + "-";
  // The members' connections are read by their own threads (as many as the machine has cores,
  // by default), so that one client thread reading thousands of frames in turn does not add its
  // own queueing to the latency; posts and acknowledgements stay on this thread.
  const auto count = static_cast<std::size_t>(std::max<long long>(
      1, o.integer("receivers", std::max(1u, std::thread::hardware_concurrency()))));
  std::vector<std::unique_ptr<asio::io_context>> receivers;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < count; ++i)
    receivers.push_back(std::make_unique<asio::io_context>(1));
  for (auto& r : receivers)
    threads.emplace_back([&r] {
      auto guard = asio::make_work_guard(*r);
      r->run();
    });
  run_to_end(ioc, fanout_main(o, st, run, receivers));
  for (auto& t : threads) t.join();
  std::cout.flush();
  _exit(0);  // thousands of connections: let the kernel close them
}

// ---------------------------------------------------------------------------------------------
// ingest: C members posting as fast as acknowledgements come back.

namespace {

struct ingest_run {
  std::vector<std::int64_t> acks;
  std::int64_t ok = 0, errors = 0;
  std::string first_error;
};

awaitable<void> ingest_poster(ingest_run& run, http_client& c, std::string cookie,
                              std::int64_t channel, std::string prefix, std::int64_t deadline) {
  const std::string target = "/api/v1/channels/" + std::to_string(channel) + "/messages";
  for (int i = 0; now_ns() < deadline; ++i) {
    json post{{"body", "Ingest message " + std::to_string(i) +
                           ": a short line of chat with **a little** Markdown in it."}};
    // As the web app does, unless the run measures posts without one (an empty prefix).
    if (!prefix.empty()) post["client_id"] = prefix + std::to_string(i);
    std::string body = post.dump();
    const auto sent = now_ns();
    auto r = co_await c.send(bhttp::verb::post, target, std::move(body), cookie);
    run.acks.push_back(now_ns() - sent);
    if (r.status == 201) {
      ++run.ok;
    } else {
      ++run.errors;
      if (run.first_error.empty()) run.first_error = std::to_string(r.status) + " " + r.body;
    }
  }
}

awaitable<void> open_all(std::vector<std::unique_ptr<http_client>>& clients) {
  for (auto& c : clients) co_await c->open();
}

awaitable<std::int64_t> last_seq(http_client& c, const bench_state& st) {
  auto r = co_await c.send(bhttp::verb::get,
                           "/api/v1/channels/" + std::to_string(st.channel) + "/messages?limit=1",
                           "", st.owner_cookie);
  auto j = expect(r, 200, "read the last message");
  co_return j["messages"].empty() ? 0 : j["messages"][0]["seq"].get<std::int64_t>();
}

awaitable<void> read_last_seq(server_addr server, const bench_state& st, std::int64_t& out) {
  http_client c(co_await asio::this_coro::executor, server);
  out = co_await last_seq(c, st);
}

}  // namespace

int run_ingest(const options& o) {
  const bench_state st = load_state(o.required("state"));
  const server_addr server = server_of(o);
  const int posters = static_cast<int>(
      std::min<long long>(o.integer("posters", 64), static_cast<long long>(st.members.size())));
  const bool client_ids = o.integer("client-ids", 1) != 0;
  const double duration = o.number("duration", 10);
  const int pid = static_cast<int>(o.integer("pid", 0));
  asio::io_context ioc;
  std::vector<std::unique_ptr<http_client>> clients;
  for (int i = 0; i < posters; ++i)
    clients.push_back(std::make_unique<http_client>(ioc.get_executor(), server));
  run_to_end(ioc, open_all(clients));
  std::int64_t seq0 = 0, seq1 = 0;
  run_to_end(ioc, read_last_seq(server, st, seq0));

  ingest_run run;
  const std::string tag = random_tag();
  const proc_sample p0 = read_proc(pid);
  const auto t0 = now_ns();
  const auto deadline = t0 + static_cast<std::int64_t>(duration * 1e9);
  std::exception_ptr failure;
  for (int i = 0; i < posters; ++i)
    asio::co_spawn(
        ioc,
        ingest_poster(run, *clients[i], st.members[i], st.channel,
                      client_ids ? "i" + tag + "-" + std::to_string(i) + "-" : "", deadline),
        [&](std::exception_ptr e) {
          if (e && !failure) failure = e;
        });
  ioc.run();
  ioc.restart();
  const auto t1 = now_ns();
  const proc_sample p1 = read_proc(pid);
  if (failure) std::rethrow_exception(failure);
  run_to_end(ioc, read_last_seq(server, st, seq1));
  if (run.errors)
    std::cerr << "ingest: " << run.errors << " errors, first: " << run.first_error << "\n";
  const double wall = static_cast<double>(t1 - t0) / 1e9;
  auto ack = summarize(run.acks);
  print_result("ingest", {{"posters", posters},
                          {"client_ids", client_ids ? 1 : 0},
                          {"duration", duration},
                          {"acked", static_cast<double>(run.ok)},
                          {"errors", static_cast<double>(run.errors)},
                          {"stored", static_cast<double>(seq1 - seq0)},
                          {"msgs_per_s", run.ok / wall},
                          {"ack_p50_ms", ack.p50_ms},
                          {"ack_p99_ms", ack.p99_ms},
                          {"ack_max_ms", ack.max_ms},
                          {"server_cpu_pct", 100.0 * (p1.cpu_seconds - p0.cpu_seconds) / wall},
                          {"server_rss_mib", p1.rss_kib / 1024.0}});
  return 0;
}

// ---------------------------------------------------------------------------------------------
// connections: many idle streams, split over several processes (a process may hold fewer
// descriptors than the connections we want) and several source addresses.

namespace {

awaitable<void> hold_connections(const options& o, const bench_state& st, int first, int count,
                                 int report_fd, int release_fd) {
  auto ex = co_await asio::this_coro::executor;
  std::vector<std::unique_ptr<ws_conn>> conns;
  auto& context = static_cast<asio::io_context&>(asio::query(ex, asio::execution::context));
  for (int i = 0; i < count; ++i)
    conns.push_back(std::make_unique<ws_conn>(context.get_executor()));
  // Member i of this process uses cookie first + i (modulo the members there are).
  std::vector<std::string> cookies;
  for (int i = 0; i < count; ++i) cookies.push_back(st.members[(first + i) % st.members.size()]);
  connector k;
  k.server = server_of(o);
  k.cookies = &cookies;
  k.conns = &conns;
  k.sources = static_cast<int>(o.integer("sources", 8));
  k.source_offset = first;
  const int parallel = static_cast<int>(o.integer("parallel", 128));
  const auto t0 = now_ns();
  for (int w = 0; w < parallel; ++w)
    asio::co_spawn(ex,
                   connect_worker(k, count,
                                  [](ws_conn& c) -> awaitable<void> {
                                    return read_loop(c, [](ws_conn&, std::string_view) {});
                                  }),
                   asio::detached);
  co_await wait_until([&] { return k.connected + k.failed >= count; }, 600);
  const double ms = static_cast<double>(now_ns() - t0) / 1e6;
  std::string line = std::to_string(k.connected) + " " + std::to_string(k.failed) + " " +
                     std::to_string(ms) + "\n";
  if (k.failed) std::cerr << "connections: " << k.failed << " failed: " << k.first_error << "\n";
  if (::write(report_fd, line.data(), line.size()) < 0) std::cerr << "connections: report failed\n";
  // Hold them until the parent closes the pipe.
  asio::posix::stream_descriptor release(ex, release_fd);
  char byte;
  error_code ec;
  co_await release.async_read_some(asio::buffer(&byte, 1), asio::redirect_error(use_awaitable, ec));
  _exit(0);  // the kernel closes the connections
}

}  // namespace

int run_connections(const options& o) {
  const bench_state st = load_state(o.required("state"));
  const int count = static_cast<int>(o.integer("count", 1000));
  const int procs = static_cast<int>(std::max<long long>(1, o.integer("procs", 2)));
  const int pid = static_cast<int>(o.integer("pid", 0));
  const double settle = o.number("settle", 2);

  const proc_sample before = read_proc(pid);
  struct child {
    pid_t pid;
    int report_fd, release_fd;
  };
  std::vector<child> children;
  const auto t0 = now_ns();
  for (int p = 0; p < procs; ++p) {
    const int first = count * p / procs, last = count * (p + 1) / procs;
    int up[2], down[2];
    if (::pipe(up) != 0 || ::pipe(down) != 0) throw std::runtime_error("pipe failed");
    const pid_t c = ::fork();
    if (c < 0) throw std::runtime_error("fork failed");
    if (c == 0) {
      ::close(up[0]);
      ::close(down[1]);
      for (auto& other : children) {
        ::close(other.report_fd);
        ::close(other.release_fd);
      }
      int code = 0;
      try {
        asio::io_context ioc;
        run_to_end(ioc, hold_connections(o, st, first, last - first, up[1], down[0]));
      } catch (const std::exception& e) {
        std::cerr << "connections child: " << e.what() << "\n";
        code = 1;
      }
      std::cout.flush();
      _exit(code);
    }
    ::close(up[1]);
    ::close(down[0]);
    children.push_back({c, up[0], down[1]});
  }
  int connected = 0, failed = 0;
  for (auto& c : children) {
    pollfd pfd{c.report_fd, POLLIN, 0};
    std::string text;
    while (text.find('\n') == std::string::npos && ::poll(&pfd, 1, 600'000) > 0) {
      char buf[128];
      const ssize_t got = ::read(c.report_fd, buf, sizeof buf);
      if (got <= 0) break;
      text.append(buf, static_cast<std::size_t>(got));
    }
    std::istringstream in(text);
    int ok = 0, bad = 0;
    double ms = 0;
    in >> ok >> bad >> ms;
    connected += ok;
    failed += bad;
  }
  const double connect_s = static_cast<double>(now_ns() - t0) / 1e9;
  std::this_thread::sleep_for(std::chrono::duration<double>(settle));
  const proc_sample after = read_proc(pid);
  for (auto& c : children) {
    ::close(c.release_fd);
    ::close(c.report_fd);
  }
  for (auto& c : children) {
    int status = 0;
    ::waitpid(c.pid, &status, 0);
  }
  const double per_conn_kib =
      connected > 0 ? static_cast<double>(after.rss_kib - before.rss_kib) / connected : 0;
  print_result("connections", {{"requested", count},
                               {"connected", connected},
                               {"failed", failed},
                               {"sources", static_cast<double>(o.integer("sources", 8))},
                               {"connect_s", connect_s},
                               {"rss_before_mib", before.rss_kib / 1024.0},
                               {"rss_after_mib", after.rss_kib / 1024.0},
                               {"kib_per_conn", per_conn_kib}});
  return 0;
}

// ---------------------------------------------------------------------------------------------
// latency: one client, one request at a time: the latest history page, a page deep in the
// past (before = half the last seq), and posts.

namespace {

awaitable<void> latency_main(const options& o, const bench_state& st) {
  http_client c(co_await asio::this_coro::executor, server_of(o));
  const int requests = static_cast<int>(o.integer("requests", 1000));
  const int posts = static_cast<int>(o.integer("posts", 300));
  const std::string base = "/api/v1/channels/" + std::to_string(st.channel) + "/messages";
  const std::int64_t last = co_await last_seq(c, st);
  std::vector<std::int64_t> latest, deep, post;
  for (int i = 0; i < requests; ++i) {
    const auto t = now_ns();
    auto r = co_await c.send(bhttp::verb::get, base + "?limit=50", "", st.owner_cookie);
    latest.push_back(now_ns() - t);
    if (r.status != 200) throw std::runtime_error("history: HTTP " + std::to_string(r.status));
  }
  for (int i = 0; i < requests; ++i) {
    const std::int64_t before = std::max<std::int64_t>(2, last / 2 - i);
    const auto t = now_ns();
    auto r = co_await c.send(bhttp::verb::get, base + "?limit=50&before=" + std::to_string(before),
                             "", st.owner_cookie);
    deep.push_back(now_ns() - t);
    if (r.status != 200) throw std::runtime_error("deep history: HTTP " + std::to_string(r.status));
  }
  const std::string tag = random_tag();
  for (int i = 0; i < posts; ++i) {
    std::string body = json{{"body", "Growth probe " + std::to_string(i)},
                            {"client_id", "g" + tag + "-" + std::to_string(i)}}
                           .dump();
    const auto t = now_ns();
    auto r = co_await c.send(bhttp::verb::post, base, std::move(body), st.owner_cookie);
    post.push_back(now_ns() - t);
    if (r.status != 201) throw std::runtime_error("post: HTTP " + std::to_string(r.status));
  }
  auto a = summarize(latest), b = summarize(deep), p = summarize(post);
  print_result("latency",
               {{"stored", static_cast<double>(last)},
                {"history_p50_ms", a.p50_ms},
                {"history_p99_ms", a.p99_ms},
                {"deep_p50_ms", b.p50_ms},
                {"deep_p99_ms", b.p99_ms},
                {"post_p50_ms", p.p50_ms},
                {"post_p99_ms", p.p99_ms}},
               {{"label", o.str("label", "")}});
}

}  // namespace

int run_latency(const options& o) {
  const bench_state st = load_state(o.required("state"));
  asio::io_context ioc;
  run_to_end(ioc, latency_main(o, st));
  return 0;
}

}  // namespace lg
