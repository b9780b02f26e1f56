#include "http/websocket_session.hpp"

#include <spdlog/spdlog.h>

#include <vector>
#include <map>
#include <mutex>

#include "realtime/hub.hpp"
#include "realtime/stream_protocol.hpp"

namespace ps::http {
namespace {

using namespace net;
namespace websocket = beast::websocket;
using asio::awaitable;
using asio::use_awaitable;

// One live stream. The hub calls send() from any thread; frames wait in a bounded queue that
// a single writer coroutine drains, so only one write is ever in flight on the socket
// (Beast's rule) and a slow reader only ever costs itself.
class connection final : public realtime::subscriber, public std::enable_shared_from_this<connection> {
 public:
  connection(ps::app& app, caller who, beast::tcp_stream stream)
      : app_(app), account_id_(who.account_id), protocol_(app, who), ws_(std::move(stream)), wake_(ws_.get_executor()) {}

  void send(realtime::frame_ptr frame) override {
    bool was_empty = false;
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      if (holding_) {
        held_.push_back(std::move(frame));
        if (held_.size() > max_queued_frames) overflow_locked();
        return;
      }
      if (queue_.size() + in_flight_ >= max_queued_frames) {
        overflow_locked();
        return;
      }
      was_empty = queue_.empty();
      queue_.push_back(std::move(frame));
    }
    if (was_empty) poke();
  }

  // The handshake, in its own coroutine so that the upgrade request is freed once it is done:
  // an idle connection should hold nothing it no longer needs.
  awaitable<bool> accept(beast::http::request<beast::http::string_body> upgrade) {
    ws_.set_option(websocket::stream_base::timeout{std::chrono::seconds(30), std::chrono::seconds(60), true});
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "petitesalle"); }));
    ws_.read_message_max(64 * 1024);
    // Server frames are not masked, so Beast writes them straight from our buffers; its own
    // write buffer (4 KiB by default, per connection) would sit unused.
    ws_.write_buffer_bytes(256);
    beast::error_code ec;
    co_await ws_.async_accept(upgrade, asio::redirect_error(use_awaitable, ec));
    co_return !ec;
  }

  awaitable<void> run(beast::http::request<beast::http::string_body> upgrade) {
    if (!co_await accept(std::move(upgrade))) co_return;

    send(protocol_.hello());
    app_.hub.attach(shared_from_this(), account_id_, protocol_.communities());
    app_.stats.ws_connections.fetch_add(1);

    auto self = shared_from_this();
    asio::co_spawn(ws_.get_executor(), [self]() { return self->write_loop(); }, [](std::exception_ptr e) {
      if (e) try { std::rethrow_exception(e); } catch (const std::exception& ex) { spdlog::error("stream writer: {}", ex.what()); }
    });
    co_await read_loop();

    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    app_.hub.detach(this);
    app_.stats.ws_connections.fetch_sub(1);
    poke();
  }

 private:
  // Called with mutex_ held: the client cannot keep up; the writer closes the connection.
  void overflow_locked() {
    overflow_ = true;
    closed_ = true;
    queue_.clear();
    held_.clear();
    asio::post(wake_.get_executor(), [self = shared_from_this()] { self->wake_.cancel(); });
  }

  void poke() {
    asio::post(wake_.get_executor(), [self = shared_from_this()] { self->wake_.cancel(); });
  }

  awaitable<void> read_loop() {
    beast::flat_buffer buffer;
    for (;;) {
      beast::error_code ec;
      co_await ws_.async_read(buffer, asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
      const std::string text = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      if (!ws_.got_text()) {
        send(realtime::make_frame(R"({"type":"error","error":{"code":"malformed_json","message":"Text frames only."}})"));
        continue;
      }
      handle(text);
    }
  }

  void handle(const std::string& text) {
    // A resume holds live events back while the missed ones are read, then lets through only
    // those that were not replayed: the client gets every message once, in order.
    const bool maybe_resume = text.find("resume") != std::string::npos;
    if (maybe_resume) {
      std::lock_guard lock(mutex_);
      holding_ = true;
    }
    realtime::stream_protocol::answer answer;
    try {
      answer = protocol_.on_text(text);
    } catch (const std::exception& e) {
      spdlog::error("stream: {}", e.what());
    }
    bool was_empty = false;
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      was_empty = queue_.empty();
      for (auto& f : answer.frames) queue_.push_back(std::move(f));
      if (maybe_resume) {
        holding_ = false;
        for (auto& f : held_) {
          auto it = answer.replayed_up_to.find(f->channel_id);
          if (f->seq > 0 && it != answer.replayed_up_to.end() && f->seq <= it->second) continue;
          queue_.push_back(std::move(f));
        }
        held_.clear();
      }
      if (queue_.size() > max_queued_frames + static_cast<std::size_t>(realtime::resume_page) * 64) overflow_locked();
    }
    if (was_empty) poke();
  }

  // Takes everything queued at once (one lock per batch, not per frame) and writes it in order.
  awaitable<void> write_loop() {
    std::vector<realtime::frame_ptr> batch;
    for (;;) {
      bool close_slow = false, finished = false;
      {
        std::lock_guard lock(mutex_);
        if (overflow_) close_slow = true;
        else if (!queue_.empty()) {
          batch.swap(queue_);
          in_flight_ = batch.size();
        } else if (closed_) finished = true;
      }
      beast::error_code ec;
      if (close_slow) {
        co_await ws_.async_close(websocket::close_reason(websocket::close_code::policy_error, "too slow"),
                                 asio::redirect_error(use_awaitable, ec));
        co_return;
      }
      if (finished) co_return;
      if (batch.empty()) {
        wake_.expires_at(asio::steady_timer::time_point::max());
        co_await wake_.async_wait(asio::redirect_error(use_awaitable, ec));
        continue;
      }
      ws_.text(true);
      for (const auto& frame : batch) {
        co_await ws_.async_write(asio::buffer(frame->text), asio::redirect_error(use_awaitable, ec));
        if (ec) break;
      }
      batch.clear();
      if (batch.capacity() > 64) batch.shrink_to_fit();  // a burst should not stay resident
      {
        std::lock_guard lock(mutex_);
        in_flight_ = 0;
        if (ec) closed_ = true;
      }
      if (ec) co_return;
    }
  }

  ps::app& app_;
  std::int64_t account_id_;
  realtime::stream_protocol protocol_;
  websocket::stream<beast::tcp_stream> ws_;
  asio::steady_timer wake_;
  std::mutex mutex_;
  std::vector<realtime::frame_ptr> queue_;
  std::size_t in_flight_ = 0;  // frames the writer has taken and not yet finished writing
  std::vector<realtime::frame_ptr> held_;
  bool holding_ = false;
  bool closed_ = false;
  bool overflow_ = false;
};

}  // namespace

awaitable<void> run_websocket(ps::app& app, caller who, beast::tcp_stream stream,
                              beast::http::request<beast::http::string_body> upgrade) {
  auto conn = std::make_shared<connection>(app, who, std::move(stream));
  co_await conn->run(std::move(upgrade));
}

}  // namespace ps::http
