#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ps::http {

// How many connections each address holds, and how many live streams each account: the
// server takes a ticket for each before it spends anything on a connection, so that one address
// cannot hold every descriptor and one account cannot hold thousands of streams. Counts live in
// memory, per node; a ticket gives its place back when it is destroyed.
class connection_limits {
 public:
  connection_limits(int per_address, int streams_per_account)
      : per_address_(per_address), streams_per_account_(streams_per_account) {}
  connection_limits(const connection_limits&) = delete;
  connection_limits& operator=(const connection_limits&) = delete;

  // Holds one place in one count while it lives; an empty ticket (refused) holds none.
  class ticket {
   public:
    ticket() = default;
    ticket(ticket&& other) noexcept;
    ticket& operator=(ticket&& other) noexcept;
    ~ticket();
    explicit operator bool() const { return counts_ != nullptr; }

   private:
    friend class connection_limits;
    ticket(connection_limits* owner, std::unordered_map<std::string, int>* counts, std::string key)
        : owner_(owner), counts_(counts), key_(std::move(key)) {}
    void release();
    connection_limits* owner_ = nullptr;
    std::unordered_map<std::string, int>* counts_ = nullptr;
    std::string key_;
  };

  // An empty ticket when the address already holds its share.
  ticket connection_from(const std::string& address);
  // An empty ticket when the account already has its share of streams open.
  ticket stream_of(std::int64_t account_id);

  int connections_from(const std::string& address) const;

 private:
  ticket take(std::unordered_map<std::string, int>& counts, std::string key, int limit);

  const int per_address_;
  const int streams_per_account_;
  mutable std::mutex mutex_;  // connections are accepted and closed on every network thread
  std::unordered_map<std::string, int> by_address_;
  std::unordered_map<std::string, int> by_account_;
};

}  // namespace ps::http
