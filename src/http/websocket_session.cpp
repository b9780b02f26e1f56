#include "http/websocket_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "push/presence.hpp"
#include "realtime/event_log.hpp"
#include "realtime/hub.hpp"
#include "realtime/stream_protocol.hpp"

namespace ps::http {
namespace {

using namespace net;
namespace websocket = beast::websocket;
using asio::awaitable;
using asio::use_awaitable;

// One live stream, touched only by the network thread that owns it: the hub calls send() there
// (each thread is one of the hub's shards), and the reader runs there. Frames wait in a bounded
// queue that one writer drains, so only one write is ever in flight on the socket (Beast's
// rule) and a slow reader only ever costs itself.
class connection final : public realtime::subscriber,
                         public std::enable_shared_from_this<connection> {
 public:
  connection(ps::app& app, caller who, tcp_socket socket, std::size_t shard,
             beast::http::request<beast::http::string_body> upgrade, stream_tickets tickets,
             asio::thread_pool& blocking)
      : tickets_(std::move(tickets)),
        blocking_(blocking),
        app_(app),
        owner_{who.account_id, who.session_id, who.token_id},
        shard_(shard),
        protocol_(app, who),
        ws_(std::move(socket)),
        upgrade_(std::move(upgrade)) {}

  void send(realtime::frame_ptr frame) override {
    if (closed_) return;
    if (holding_) {
      held_.push_back(std::move(frame));
      if (held_.size() > max_queued_frames) overflow();
      return;
    }
    // Waiting, plus those the writer has taken and not finished.
    if (queue_.size() + batch_.size() >= max_queued_frames) return overflow();
    if (frame->pos > 0) sent_live(*frame);
    queue_.push_back(std::move(frame));
    if (!writing_) write_next();
  }

  // The handshake. The upgrade request is freed once it is done: an idle connection should hold
  // nothing it no longer needs.
  awaitable<bool> accept() {
    ws_.set_option(
        websocket::stream_base::timeout{std::chrono::seconds(30), std::chrono::seconds(60), true});
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "petitesalle"); }));
    ws_.read_message_max(64 * 1024);
    // One frame per event: Beast would otherwise cut messages longer than its write buffer into
    // fragments, each its own write. Unmasked server frames go straight from our buffer.
    ws_.auto_fragment(false);
    beast::error_code ec;
    co_await ws_.async_accept(*upgrade_, asio::redirect_error(use_awaitable, ec));
    upgrade_.reset();
    co_return !ec;
  }

  // Once the handshake is done, with what prepare() read on the blocking pool: the hello, and
  // the hub starts sending.
  void start(const realtime::stream_protocol::start& state) {
    send(protocol_.hello(state));
    app_.hub.attach(shared_from_this(), owner_, state.communities, shard_);
    app_.stats.ws_connections.fetch_add(1);
  }

  awaitable<realtime::stream_protocol::start> prepare() {
    co_return co_await asio::co_spawn(
        blocking_,
        [this]() -> awaitable<realtime::stream_protocol::start> { co_return protocol_.prepare(); },
        use_awaitable);
  }

  // The session or token behind this stream has ended (what waits is dropped), or the account's
  // access changed (what waits goes out first: the events that announce the change). The close
  // frame goes out as soon as the socket is free (one write at a time, Beast's rule). The reader
  // then ends with the close, and stop() follows. A resume in progress is dropped either way:
  // the client resumes again when it reconnects.
  void end(int close_code, bool send_queued) override {
    if (closed_) return;
    closed_ = true;
    ending_with_ = close_code;
    sending_queued_ = send_queued && !holding_;
    if (!sending_queued_) queue_.clear();
    held_.clear();
    if (writing_) return;
    if (queue_.empty())
      send_close();
    else
      write_next();
  }

  // Once the reader has ended: nothing more is sent.
  void stop() {
    closed_ = true;
    queue_.clear();
    held_.clear();
    if (app_.presence) app_.presence->gone(owner_.account_id, this);
    app_.hub.detach(this, shard_);
    app_.stats.ws_connections.fetch_sub(1);
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
        send(realtime::make_frame(
            R"({"type":"error","error":{"code":"malformed_json","message":"Text frames only."}})"));
        continue;
      }
      if (!realtime::stream_protocol::needs_database(text)) {
        auto answer = answer_to(text);
        if (answer.presence && app_.presence)
          app_.presence->report(owner_.account_id, this, *answer.presence);
        if (answer.typing_in) {
          // Who may see the room is the policy's answer, from the database: on the blocking
          // pool. Nothing is held back meanwhile (a notice replays nothing).
          const auto channel_id = *answer.typing_in;
          answer = co_await asio::co_spawn(
              blocking_,
              [this, channel_id]() -> awaitable<realtime::stream_protocol::answer> {
                co_return relay_typing(channel_id);
              },
              use_awaitable);
        }
        deliver(std::move(answer), false);
        continue;
      }
      // A resume reads the database: on the blocking pool, while live events are held back.
      // The next frame is read only once it is answered.
      holding_ = true;
      auto answer = co_await asio::co_spawn(
          blocking_,
          [this, &text]() -> awaitable<realtime::stream_protocol::answer> {
            co_return answer_to(text);
          },
          use_awaitable);
      deliver(std::move(answer), true);
    }
  }

 private:
  // The client cannot keep up: drop what waits and close the socket outright. A close frame
  // (1008) would wait behind the megabytes the client is not reading, and the connection with
  // its kernel buffers would stay up until a time-out; the client resumes when it reconnects.
  void overflow() {
    closed_ = true;
    queue_.clear();
    held_.clear();
    beast::error_code ec;
    ws_.next_layer().shutdown(tcp::socket::shutdown_both, ec);
    ws_.next_layer().close(ec);  // the write in flight and the reader end with an error
  }

  void send_close() {
    writing_ = true;
    const websocket::close_reason reason(
        static_cast<websocket::close_code>(ending_with_),
        ending_with_ == realtime::close_access_changed ? "access_changed" : "session_ended");
    ws_.async_close(reason,
                    [self = shared_from_this()](beast::error_code) { self->writing_ = false; });
  }

  // The writer, as plain callbacks: one completion per frame, no coroutine and no post. (A
  // coroutine woken by a timer cost several handler runs per frame, which is what the fan-out
  // to thousands of connections pays for.)
  void write_next() {
    writing_ = true;
    if (queue_.empty()) {
      writing_ = false;
      if (ending_with_) send_close();
      return;
    }
    batch_.swap(queue_);
    next_in_batch_ = 0;
    ws_.text(true);
    write_one();
  }

  void write_one() {
    if (next_in_batch_ == batch_.size()) {
      batch_.clear();
      if (batch_.capacity() > 64) batch_.shrink_to_fit();  // a burst should not stay resident
      write_next();
      return;
    }
    ws_.async_write(asio::buffer(batch_[next_in_batch_]->text),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) {
                        self->closed_ = true;
                        self->writing_ = false;
                        return;
                      }
                      if (self->ending_with_ && !self->sending_queued_) return self->send_close();
                      ++self->next_in_batch_;
                      self->write_one();
                    });
  }

  realtime::stream_protocol::answer answer_to(const std::string& text) {
    try {
      return protocol_.on_text(text);
    } catch (const std::exception& e) {
      spdlog::error("stream: {}", e.what());
      return {};
    }
  }

  realtime::stream_protocol::answer relay_typing(std::int64_t channel_id) {
    try {
      return protocol_.relay_typing(channel_id);
    } catch (const std::exception& e) {
      spdlog::error("stream: {}", e.what());
      return {};
    }
  }

  // Queues an answer; after a resume, lets through the live events held meanwhile that it did
  // not replay: the client gets every event once, in order.
  void deliver(realtime::stream_protocol::answer answer, bool was_holding) {
    if (was_holding) holding_ = false;
    if (closed_) return;
    for (auto& f : answer.frames)
      if (!was_sent_live(*f)) queue_.push_back(std::move(f));
    if (was_holding) {
      for (auto& f : held_)
        if (!replayed(*f, answer)) queue_.push_back(std::move(f));
      held_.clear();
      // From here on everything comes live, in order: nothing more to leave out.
      live_.clear();
      resumed_ = true;
    }
    if (queue_.size() > max_queued_frames + static_cast<std::size_t>(realtime::max_replay_total))
      overflow();
    else if (!queue_.empty() && !writing_)
      write_next();
  }

  // Live events sent before the client asked to resume (between the hello and the resume frame
  // being read): they follow each other in the log's order, so a range per community says
  // which, and the replay leaves them out instead of sending them twice.
  void sent_live(const realtime::event_frame& f) {
    if (resumed_) return;
    auto [range, added] = live_.try_emplace(f.community_id, f.pos, f.pos);
    if (!added) range->second.second = std::max(range->second.second, f.pos);
  }
  bool was_sent_live(const realtime::event_frame& f) const {
    if (f.pos <= 0) return false;
    auto it = live_.find(f.community_id);
    return it != live_.end() && f.pos >= it->second.first && f.pos <= it->second.second;
  }

  static bool replayed(const realtime::event_frame& f,
                       const realtime::stream_protocol::answer& answer) {
    if (f.pos > 0) {
      auto it = answer.replayed_pos.find(f.community_id);
      if (it != answer.replayed_pos.end() && f.pos <= it->second) return true;
    }
    if (f.seq > 0) {
      auto it = answer.replayed_up_to.find(f.channel_id);
      if (it != answer.replayed_up_to.end() && f.seq <= it->second) return true;
    }
    return false;
  }

  stream_tickets tickets_;
  asio::thread_pool& blocking_;
  ps::app& app_;
  realtime::stream_owner owner_;
  int ending_with_ = 0;          // the close code to send once the write in flight is done
  bool sending_queued_ = false;  // …and, when set, once the frames queued before it are sent
  std::size_t shard_;
  realtime::stream_protocol protocol_;
  websocket::stream<tcp_socket> ws_;
  std::optional<beast::http::request<beast::http::string_body>> upgrade_;
  std::vector<realtime::frame_ptr> queue_;
  bool writing_ = false;                    // a write is in flight
  std::vector<realtime::frame_ptr> batch_;  // the frames being written, in order
  std::size_t next_in_batch_ = 0;
  std::vector<realtime::frame_ptr> held_;
  // community -> the first and last positions sent live (sent_live)
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> live_;
  bool resumed_ = false;  // a resume was answered: live_ is no longer kept
  bool holding_ = false;
  bool closed_ = false;
};

}  // namespace

awaitable<void> run_websocket(ps::app& app, caller who, tcp_socket socket, std::size_t shard,
                              beast::http::request<beast::http::string_body> upgrade,
                              stream_tickets tickets, asio::thread_pool& blocking) {
  // The steps are awaited from here, one level deep: with GCC 12, a member coroutine that
  // awaited another member coroutine (run() awaiting accept()) was resumed with a corrupt
  // frame once the stream took a bare socket (SIGILL at its first resumption).
  auto conn = std::make_shared<connection>(app, who, std::move(socket), shard, std::move(upgrade),
                                           std::move(tickets), blocking);
  if (!co_await conn->accept()) co_return;
  const auto state = co_await conn->prepare();
  conn->start(state);
  co_await conn->read_loop();
  conn->stop();
}

}  // namespace ps::http
