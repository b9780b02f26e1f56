#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"

// The SQL of the job table, and nothing else.
namespace ps::jobs::store {

struct claimed_job {
  std::int64_t id = 0;
  std::string kind;
  std::string key;
  std::string payload;
  std::int64_t generation = 0;
  std::int64_t attempts = 0;
};

// Adds the job, or moves the one of the same kind and key (new time and payload, attempts and
// failure forgotten, done or not).
void upsert(db::transaction& tx, const std::string& kind, const std::string& key,
            const std::string& payload, millis due_at, millis now);
void insert_if_absent(db::transaction& tx, const std::string& kind, const std::string& key,
                      millis due_at, millis now);
// Removes a job that is not running; false when there was none, or it is running now.
bool remove_idle(db::transaction& tx, const std::string& kind, const std::string& key, millis now);
// Takes up to `limit` due jobs of the `kinds` (a comma-separated list) for `node` until
// `until`, the most overdue first.
std::vector<claimed_job> claim_due(db::transaction& tx, const std::string& node,
                                   const std::string& kinds, millis now, millis until, int limit);
// Done, if it is still the generation that ran (not moved meanwhile) and still this node's.
bool mark_done(db::transaction& tx, const claimed_job& j, const std::string& node, millis at);
// To run again at `at` with `payload` (work done in parts), attempts kept.
bool run_again(db::transaction& tx, const claimed_job& j, const std::string& node, millis at,
               const std::string& payload);
void record_failure(db::transaction& tx, const claimed_job& j, const std::string& node,
                    const std::string& error, std::optional<millis> retry_at, millis now);
std::int64_t release_claims(db::transaction& tx, const std::string& node);
std::int64_t forget_done_before(db::transaction& tx, millis before);

struct job_row {
  std::int64_t id = 0;
  std::string kind, key, payload;
  millis due_at = 0;
  std::int64_t attempts = 0;
  std::optional<std::string> last_error;
  std::optional<millis> done_at, failed_at;
  bool running = false;
};
std::optional<job_row> find(db::session& s, const std::string& kind, const std::string& key,
                            millis now);

struct gauges {
  std::int64_t due = 0, running = 0, scheduled = 0, failed = 0;
};
gauges count(db::session& s, millis now);
std::optional<millis> next_due(db::session& s);

}  // namespace ps::jobs::store
