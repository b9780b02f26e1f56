#pragma once
#include "core/clock.hpp"
#include "core/rate_limiter.hpp"

namespace ps::db {
class database;
}

namespace ps::accounts {

// The log-in and login-link limits counted in the database instead of in memory: with several
// nodes on one PostgreSQL, a guesser whose attempts a load balancer spreads over the nodes meets
// the same limits as on one node. Used by `serve` when other nodes may write the database
// (db::database::has_other_nodes); one node keeps rate_limiter, which costs no write.
//
// The counts are rows of rate_events (accounts/throttle_store.cpp), one per attempt, kept only
// while inside their window: each write for a key deletes that key's rows that left it, and at
// most `events` rows per key are read. Reads run on the caller's thread (the blocking pool: the
// log-in path hashes a password there anyway); records are writes, waited for.
class shared_throttle final : public attempt_counter {
 public:
  shared_throttle(db::database& db, const ps::clock& clock) : db_(db), clock_(clock) {}

  int retry_after(std::span<const rate_check> checks) override;
  void record(std::span<const rate_check> checks) override;
  int acquire(std::span<const rate_check> checks) override;
  void forget(const rate_check& check) override;

 private:
  db::database& db_;
  const ps::clock& clock_;
};

}  // namespace ps::accounts
