#pragma once
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

#include "app/app.hpp"

// Housekeeping of files, from a thread of its own (it touches the disk). Uploads never attached
// (a message never sent) are released a day after their upload; stored files that no row names
// (an upload whose transaction failed after its bytes were put in place, or a crash between
// the two) are removed once they are an hour old, so that one being committed right now is
// never taken. With several nodes each sweeps; releasing is a transaction, so it happens once.
namespace ps::files {

// Releases the uploads never attached that are older than a day; returns how many.
std::size_t sweep_unattached(app& app);
// Removes the stored files no blob row names, older than an hour; returns how many.
std::size_t remove_orphans(app& app);

class sweeper {
 public:
  static constexpr int period_ms = 10 * 60 * 1000;
  explicit sweeper(app& a);
  ~sweeper();  // stops the thread
  sweeper(const sweeper&) = delete;
  sweeper& operator=(const sweeper&) = delete;

 private:
  void run();
  app& app_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace ps::files
