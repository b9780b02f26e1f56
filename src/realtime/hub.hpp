#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ps::realtime {

class ordering;

// One event, serialised once and shared by every connection that sends it.
// community_id and pos (its place in the event log), or channel_id and seq for a connection
// resuming by channel, let a resuming connection drop live events it has just replayed.
struct event_frame {
  std::string text;
  std::int64_t channel_id = 0;
  std::int64_t seq = 0;  // set on message.created only
  std::int64_t community_id = 0;
  std::int64_t pos = 0;  // 0: not a logged event (hello, pong, errors)
};
using frame_ptr = std::shared_ptr<const event_frame>;

frame_ptr make_frame(std::string text, std::int64_t channel_id = 0, std::int64_t seq = 0,
                     std::int64_t community_id = 0, std::int64_t pos = 0);

// The close code of a stream whose session or token has ended (logged out, password changed,
// ended from another device, token revoked): the web app goes back to its log-in screen
// instead of reconnecting.
inline constexpr int close_session_ended = 4401;
// The close code of a stream whose account's access changed (removed from a community, left it,
// role changed): the events queued before it are sent first, then the web app reconnects at
// once, and its new hello and resume reflect what the account may see now.
inline constexpr int close_access_changed = 4403;

// Who opened a connection: the account, and the cookie session or personal token it showed.
struct stream_owner {
  stream_owner(std::int64_t account, std::optional<std::int64_t> session = std::nullopt,
               std::optional<std::int64_t> token = std::nullopt)
      : account_id(account), session_id(session), token_id(token) {}
  std::int64_t account_id;
  std::optional<std::int64_t> session_id;
  std::optional<std::int64_t> token_id;
};

// A live connection as the hub sees it. The hub calls send() and end() only on the thread of
// the connection's shard (see hub::use_shards), never while the connection is being destroyed,
// and neither may call back into the hub.
class subscriber {
 public:
  virtual ~subscriber() = default;
  virtual void send(frame_ptr frame) = 0;
  // Closes the stream with `close_code`, after the frames already queued when `send_queued`,
  // dropping them otherwise; nothing sent after this call goes out.
  virtual void end(int close_code, bool send_queued) = 0;
};

// Who listens to what: live connections by community and by account. Events are published
// to an explicit audience after their transaction commits (db::transaction::after_commit).
//
// Connections are split into shards, one per network thread of the server. A publication is
// handed to each shard once, and each shard's thread walks its own connections: one hand-over
// per thread per event instead of one per connection, no connection touched by two threads,
// and no copy of the audience. Membership changes travel the same way, so every shard sees
// publications and changes in the order they were made.
class hub {
 public:
  // Runs work on the thread of one shard, in the order handed over.
  using shard_runner = std::function<void(std::size_t shard, std::function<void()> work)>;

  // One shard whose work runs at once on the caller's thread until use_shards() (tests rely
  // on that).
  hub();

  // Called once, before any connection attaches: the server's network threads.
  void use_shards(std::size_t count, shard_runner run);
  // From now on publications and membership changes are dropped: at shutdown, once the
  // threads that ran the shards are gone.
  void stop_delivering();
  // Logged frames are put back in their log's order by `order` before they are delivered
  // (when other nodes write the same log: realtime/ordering.hpp). Called once, before serving.
  void deliver_through(ordering* order) { order_ = order; }
  ordering* order() const { return order_; }

  // A new connection of `owner` on `shard`, receiving the events of `communities`.
  // Called on the shard's thread.
  void attach(const std::shared_ptr<subscriber>& sub, const stream_owner& owner,
              const std::vector<std::int64_t>& communities, std::size_t shard = 0);
  void detach(const subscriber* sub, std::size_t shard = 0);

  // The account's live connections start (join) or stop (leave) receiving a community.
  void join(std::int64_t account_id, std::int64_t community_id);
  void leave(std::int64_t account_id, std::int64_t community_id);

  void publish_to_community(std::int64_t community_id, const frame_ptr& frame);
  void publish_to_account(std::int64_t account_id, const frame_ptr& frame);
  void publish_to_accounts(const std::vector<std::int64_t>& account_ids, const frame_ptr& frame);

  // Ends (close_session_ended) the streams opened with one session, one token, or every stream
  // of an account but those of `keep_session`. Called after the commit that ended them, so a
  // stream reconnecting with the same credential is refused.
  void end_session(std::int64_t account_id, std::int64_t session_id);
  void end_token(std::int64_t account_id, std::int64_t token_id);
  void end_account_streams(std::int64_t account_id, std::optional<std::int64_t> keep_session);
  // Ends the streams opened with a session other than `keep_session` (every session's when
  // none); streams opened with a personal token stay, as the tokens do ("end all other
  // sessions").
  void end_sessions_except(std::int64_t account_id, std::optional<std::int64_t> keep_session);
  // Told of the account of every ending above, on the thread that reports it, before its
  // streams close: whatever remembers credentials forgets the account's (set once, before
  // serving).
  void when_credentials_end(std::function<void(std::int64_t account_id)> forget) {
    credentials_ended_ = std::move(forget);
  }
  // Told of the account whenever what it may see shrinks or changes (leave, end_account_streams,
  // reconnect_account_streams), on the thread that reports it: whatever remembers its access
  // (access/seen_rooms.hpp) forgets it (set once, before serving).
  void when_access_changes(std::function<void(std::int64_t account_id)> forget) {
    access_changed_ = std::move(forget);
  }
  // Closes (close_access_changed) every stream of the account once what is queued has gone out:
  // after a change of what it may see, published after the events that announce it.
  void reconnect_account_streams(std::int64_t account_id);

  std::size_t connection_count() const { return connections_.load(std::memory_order_relaxed); }
  // Forgets every connection: at shutdown, so that none outlives the network it belongs to.
  void clear();

 private:
  struct connection {
    std::shared_ptr<subscriber> sub;
    stream_owner owner;
    std::vector<std::int64_t> communities;
  };
  using audience = std::unordered_set<subscriber*>;
  // Touched by its own thread only, except clear() at shutdown; the mutex makes that safe
  // and is otherwise never contended.
  struct shard {
    std::mutex mutex;
    std::unordered_map<const subscriber*, connection> connections;
    std::unordered_map<std::int64_t, audience> by_community;
    std::unordered_map<std::int64_t, audience> by_account;
  };

  // Runs work(shard) on every shard's thread.
  void on_every_shard(const std::function<void(shard&)>& work);
  // Ends the account's connections for which `ends(owner)` is true.
  void end_where(std::int64_t account_id, std::function<bool(const stream_owner&)> ends,
                 int close_code = close_session_ended);
  static void send_to(shard& s, const std::unordered_map<std::int64_t, audience>& index,
                      std::int64_t key, const frame_ptr& frame);

  std::vector<std::unique_ptr<shard>> shards_;
  std::mutex runner_mutex_;  // guards run_ and delivering_ (the writer thread publishes)
  shard_runner run_;
  bool delivering_ = true;
  std::atomic<std::size_t> connections_{0};
  ordering* order_ = nullptr;
  std::function<void(std::int64_t)> credentials_ended_;
  std::function<void(std::int64_t)> access_changed_;
};

}  // namespace ps::realtime
