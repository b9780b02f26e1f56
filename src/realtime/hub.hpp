#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ps::realtime {

// One event, serialised once and shared by every connection that sends it.
// channel_id and seq let a resuming connection drop live events it has just replayed.
struct event_frame {
  std::string text;
  std::int64_t channel_id = 0;
  std::int64_t seq = 0;  // set on message.created only
};
using frame_ptr = std::shared_ptr<const event_frame>;

frame_ptr make_frame(std::string text, std::int64_t channel_id = 0, std::int64_t seq = 0);

// A live connection as the hub sees it. The hub calls send() only on the thread of the
// connection's shard (see hub::use_shards), never while the connection is being destroyed,
// and send() must not call back into the hub.
class subscriber {
 public:
  virtual ~subscriber() = default;
  virtual void send(frame_ptr frame) = 0;
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

  // A new connection of `account_id` on `shard`, receiving the events of `communities`.
  // Called on the shard's thread.
  void attach(const std::shared_ptr<subscriber>& sub, std::int64_t account_id,
              const std::vector<std::int64_t>& communities, std::size_t shard = 0);
  void detach(const subscriber* sub, std::size_t shard = 0);

  // The account's live connections start (join) or stop (leave) receiving a community.
  void join(std::int64_t account_id, std::int64_t community_id);
  void leave(std::int64_t account_id, std::int64_t community_id);

  void publish_to_community(std::int64_t community_id, const frame_ptr& frame);
  void publish_to_account(std::int64_t account_id, const frame_ptr& frame);

  std::size_t connection_count() const { return connections_.load(std::memory_order_relaxed); }
  // Forgets every connection: at shutdown, so that none outlives the network it belongs to.
  void clear();

 private:
  struct connection {
    std::shared_ptr<subscriber> sub;
    std::int64_t account_id;
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
  static void send_to(shard& s, const std::unordered_map<std::int64_t, audience>& index,
                      std::int64_t key, const frame_ptr& frame);

  std::vector<std::unique_ptr<shard>> shards_;
  std::mutex runner_mutex_;  // guards run_ and delivering_ (the writer thread publishes)
  shard_runner run_;
  bool delivering_ = true;
  std::atomic<std::size_t> connections_{0};
};

}  // namespace ps::realtime
