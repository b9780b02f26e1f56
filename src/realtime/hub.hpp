#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <shared_mutex>
#include <string>
#include <unordered_map>
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

// A live connection as the hub sees it. send() is called from any thread and must not block.
class subscriber {
 public:
  virtual ~subscriber() = default;
  virtual void send(frame_ptr frame) = 0;
};

// Who listens to what: live connections by community and by account. Events are published
// to an explicit audience after their transaction commits (db::transaction::after_commit).
// Publishing copies the audience under a shared lock and sends outside it, so a slow or
// closing connection never holds up the others.
class hub {
 public:
  // Where membership changes and publications run. By default at once, on the caller's thread
  // (tests rely on that); the server hands them to its publisher thread so that the SQLite
  // writer, which publishes after each commit, never waits for thousands of sends. Whatever
  // runs them must keep their order.
  using runner = std::function<void(std::function<void()>)>;
  void run_through(runner r) { runner_ = std::move(r); }

  // A new connection of `account_id`, receiving the events of `communities`.
  void attach(const std::shared_ptr<subscriber>& sub, std::int64_t account_id,
              const std::vector<std::int64_t>& communities);
  void detach(const subscriber* sub);

  // The account's live connections start (join) or stop at once (leave) receiving a community.
  void join(std::int64_t account_id, std::int64_t community_id);
  void leave(std::int64_t account_id, std::int64_t community_id);

  void publish_to_community(std::int64_t community_id, const frame_ptr& frame);
  void publish_to_account(std::int64_t account_id, const frame_ptr& frame);

  std::size_t connection_count() const;
  // Forgets every connection: at shutdown, so that none outlives the network it belongs to.
  void clear();

 private:
  using audience = std::unordered_map<const subscriber*, std::shared_ptr<subscriber>>;
  struct connection {
    std::shared_ptr<subscriber> sub;
    std::int64_t account_id;
    std::vector<std::int64_t> communities;
  };

  void dispatch(std::function<void()> work) {
    if (runner_) runner_(std::move(work));
    else work();
  }
  void join_now(std::int64_t account_id, std::int64_t community_id);
  void leave_now(std::int64_t account_id, std::int64_t community_id);
  void publish_to_community_now(std::int64_t community_id, const frame_ptr& frame);
  void publish_to_account_now(std::int64_t account_id, const frame_ptr& frame);

  std::vector<std::shared_ptr<subscriber>> audience_of(
      const std::unordered_map<std::int64_t, audience>& index, std::int64_t key) const;

  mutable std::shared_mutex mutex_;
  std::unordered_map<const subscriber*, connection> connections_;
  std::unordered_map<std::int64_t, audience> by_community_;
  std::unordered_map<std::int64_t, audience> by_account_;
  runner runner_;
};

// One thread that runs the hub's work in the order it was handed over (see hub::run_through).
class publisher {
 public:
  publisher() : thread_([this] { run(); }) {}
  ~publisher() { stop(); }
  // Runs what was handed over, then ends the thread. Idempotent.
  void stop();
  publisher(const publisher&) = delete;
  publisher& operator=(const publisher&) = delete;
  void post(std::function<void()> work);

 private:
  void run();
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace ps::realtime
