#pragma once
#include <cstdint>
#include <memory>
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

  std::vector<std::shared_ptr<subscriber>> audience_of(
      const std::unordered_map<std::int64_t, audience>& index, std::int64_t key) const;

  mutable std::shared_mutex mutex_;
  std::unordered_map<const subscriber*, connection> connections_;
  std::unordered_map<std::int64_t, audience> by_community_;
  std::unordered_map<std::int64_t, audience> by_account_;
};

}  // namespace ps::realtime
