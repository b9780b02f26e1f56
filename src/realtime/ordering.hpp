#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>

// When several nodes write one database, the events of a community reach a node by two roads:
// its own commits, at once, and the other nodes' through PostgreSQL's notifications, a moment
// later. Its connections must still get them in the log's order, each once: a client that saw
// position 7 assumes it saw 6. This puts each community's frames back in order before they are
// delivered (docs/subsystems/database.md, "Several nodes").
namespace ps::realtime {

class ordering {
 public:
  // Asked for the events FROM..TO of a community when a later one is waiting for them: they
  // are committed (positions are taken in the transaction, so they commit in order), only not
  // yet heard of. Called without the lock held; must not block.
  using fill_request = std::function<void(std::int64_t community, std::int64_t from, std::int64_t to)>;

  explicit ordering(fill_request fill) : fill_(std::move(fill)) {}

  // Positions up to `last` of this community are already known to clients (they start from the
  // log's end when they connect).
  void set_delivered(std::int64_t community, std::int64_t last);
  // Runs `deliver` now if `pos` is its community's next position, after the ones before it
  // otherwise, and never for a position already delivered.
  void offer(std::int64_t community, std::int64_t pos, std::function<void()> deliver);
  // A fill asked for, up to `up_to`, has been offered: what is still missing of it is given up
  // on (past the log's retention), and what waited for it is delivered in order.
  void filled(std::int64_t community, std::int64_t up_to);
  // The last position delivered of every community seen: where a catch-up starts from.
  std::map<std::int64_t, std::int64_t> delivered() const;

 private:
  struct line {
    std::int64_t last = 0;
    std::map<std::int64_t, std::function<void()>> waiting;
    bool filling = false;
  };
  static void deliver_waiting(line& l);

  mutable std::mutex mutex_;
  std::unordered_map<std::int64_t, line> lines_;
  fill_request fill_;
};

}  // namespace ps::realtime
