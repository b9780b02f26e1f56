#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace ps::chat {

// The latest page of each busy channel, kept as the JSON text it is sent as. Opening a channel
// reads its latest page, so that is the read that many people repeat; every change to the
// channel's messages, and every change of a display name (author names are in the page), makes
// the copy stale.
//
// A reader takes a ticket before it reads the database and stores what it read under that
// ticket; a copy is served only while its ticket is still current. Writers move the versions
// after their commit and before they reply, so a copy is never older than the ticket it carries,
// and whoever has been told a change was made never gets a page without it.
class history_cache {
 public:
  struct ticket {
    std::uint64_t everything = 0;  // moved by changes that touch every channel
    std::uint64_t channel = 0;
  };

  explicit history_cache(std::size_t max_pages = 1024) : max_pages_(max_pages) {}
  history_cache(const history_cache&) = delete;
  history_cache& operator=(const history_cache&) = delete;

  ticket current(std::int64_t channel_id) const;
  // The page stored under a ticket that is still current, if any.
  std::shared_ptr<const std::string> find(std::int64_t channel_id, int limit) const;
  void store(std::int64_t channel_id, int limit, ticket when_read, std::string json);

  // After a commit that changed the channel's messages (a post, an edit, a deletion, a reaction).
  void channel_changed(std::int64_t channel_id);
  // After a commit that changed what every page may show (a display name).
  void everything_changed();

  std::size_t size() const;

 private:
  struct page {
    ticket when_read;
    int limit = 0;
    std::shared_ptr<const std::string> json;
  };
  bool is_current(std::int64_t channel_id, const ticket& t) const;  // mutex_ held

  std::size_t max_pages_;
  mutable std::mutex mutex_;
  std::uint64_t everything_ = 0;
  std::unordered_map<std::int64_t, std::uint64_t> versions_;  // channels changed since start
  std::unordered_map<std::int64_t, page> pages_;              // one page per channel
};

}  // namespace ps::chat
