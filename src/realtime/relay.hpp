#pragma once
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "access/policy.hpp"
#include "realtime/hub.hpp"
#include "realtime/ordering.hpp"

namespace ps {
struct app;
}

// Several nodes on one PostgreSQL: what the others commit reaches this node's live connections.
// Each node announces with its commits which positions of which community's log it wrote (and
// the changes of who receives what: realtime/everywhere.hpp); this reads those events back from
// the log, renders them as a resume would, and delivers them in the log's order together with
// this node's own (realtime/ordering.hpp). Nothing else travels between nodes.
// docs/subsystems/database.md, "Several nodes".
namespace ps::realtime {

class relay {
 public:
  explicit relay(ps::app& app);
  ~relay();
  relay(const relay&) = delete;
  relay& operator=(const relay&) = delete;

  // Listens to the other nodes and orders this node's frames; nothing when no other node can
  // write the database (SQLite). Before serving.
  void start();

  // What a typing notice becomes for the other nodes.
  static std::string typing_message(const access::audience& to, const frame_ptr& frame);

 private:
  void queue(std::string message);
  void run();
  void handle(const std::string& message);
  // Offers positions FROM..TO of a community, read back from the log.
  void replay(std::int64_t community_id, std::int64_t from, std::int64_t to);
  void catch_up();

  ps::app& app_;
  ordering order_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  bool started_ = false;
  std::thread worker_;
};

}  // namespace ps::realtime
