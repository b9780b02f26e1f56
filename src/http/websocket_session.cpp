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
      : app_(app), account_id_(who.account_id), protocol_(app, who), ws_(std::move(stream)) {}

  void send(realtime::frame_ptr frame) override {
    bool start = false;
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      if (holding_) {
        held_.push_back(std::move(frame));
        if (held_.size() > max_queued_frames) start = overflow_locked();
      } else if (queue_.size() + in_flight_ >= max_queued_frames) {
        start = overflow_locked();
      } else {
        queue_.push_back(std::move(frame));
        start = claim_writer_locked();
      }
    }
    if (start) start_writing();
  }

  // The handshake, in its own coroutine so that the upgrade request is freed once it is done:
  // an idle connection should hold nothing it no longer needs.
  awaitable<bool> accept(beast::http::request<beast::http::string_body> upgrade) {
    ws_.set_option(websocket::stream_base::timeout{std::chrono::seconds(30), std::chrono::seconds(60), true});
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "petitesalle"); }));
    ws_.read_message_max(64 * 1024);
    // One frame per event: Beast would otherwise cut messages longer than its write buffer into
    // fragments, each its own write. Unmasked server frames go straight from our buffer.
    ws_.auto_fragment(false);
    beast::error_code ec;
    co_await ws_.async_accept(upgrade, asio::redirect_error(use_awaitable, ec));
    co_return !ec;
  }

  awaitable<void> run(beast::http::request<beast::http::string_body> upgrade) {
    if (!co_await accept(std::move(upgrade))) co_return;

    send(protocol_.hello());
    app_.hub.attach(shared_from_this(), account_id_, protocol_.communities());
    app_.stats.ws_connections.fetch_add(1);

    co_await read_loop();

    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      queue_.clear();
      held_.clear();
    }
    app_.hub.detach(this);
    app_.stats.ws_connections.fetch_sub(1);
  }

 private:
  // Called with mutex_ held: the client cannot keep up; the writer closes the connection.
  // Returns whether the caller must start the writer.
  bool overflow_locked() {
    overflow_ = true;
    closed_ = true;
    queue_.clear();
    held_.clear();
    return claim_writer_locked();
  }

  // Called with mutex_ held: true when the writer was idle and the caller must start it.
  bool claim_writer_locked() {
    if (writing_) return false;
    writing_ = true;
    return true;
  }

  void start_writing() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->write_next(); });
  }

  // The writer, on the connection's strand, as plain callbacks: one post to start it, then one
  // completion per frame. (A coroutine woken by a timer cost several handler runs per frame,
  // which is what the fan-out to thousands of connections pays for.) Only one write is ever in
  // flight, as Beast requires, and a close never overlaps a write.
  void write_next() {
    {
      std::lock_guard lock(mutex_);
      if (overflow_) {
        if (close_started_) return;
        close_started_ = true;
      } else if (queue_.empty()) {
        writing_ = false;
        return;
      } else {
        batch_.swap(queue_);
        in_flight_ = batch_.size();
        next_in_batch_ = 0;
      }
    }
    if (close_started_ && batch_.empty()) {
      ws_.async_close(websocket::close_reason(websocket::close_code::policy_error, "too slow"),
                      [self = shared_from_this()](beast::error_code) {});
      return;
    }
    ws_.text(true);
    write_one();
  }

  void write_one() {
    if (next_in_batch_ == batch_.size()) {
      batch_.clear();
      if (batch_.capacity() > 64) batch_.shrink_to_fit();  // a burst should not stay resident
      {
        std::lock_guard lock(mutex_);
        in_flight_ = 0;
      }
      write_next();
      return;
    }
    ws_.async_write(asio::buffer(batch_[next_in_batch_]->text),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) {
                        std::lock_guard lock(self->mutex_);
                        self->closed_ = true;
                        self->writing_ = false;
                        return;
                      }
                      ++self->next_in_batch_;
                      self->write_one();
                    });
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
    bool start = false;
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
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
      if (queue_.size() > max_queued_frames + static_cast<std::size_t>(realtime::resume_page) * 64)
        start = overflow_locked();
      else if (!queue_.empty())
        start = claim_writer_locked();
    }
    if (start) start_writing();
  }

  ps::app& app_;
  std::int64_t account_id_;
  realtime::stream_protocol protocol_;
  websocket::stream<beast::tcp_stream> ws_;
  std::mutex mutex_;
  std::vector<realtime::frame_ptr> queue_;
  std::size_t in_flight_ = 0;  // frames the writer has taken and not yet finished writing
  bool writing_ = false;       // the writer runs (a write, or a post to start one, is pending)
  bool close_started_ = false;
  std::vector<realtime::frame_ptr> batch_;  // touched only by the writer, on the strand
  std::size_t next_in_batch_ = 0;
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
