#include "jobs/migrations.hpp"

namespace ps::jobs {
namespace {

// One row per piece of work to run at a time. (kind, job_key) names it, so scheduling the same
// work again moves it instead of adding a second run; `generation` counts those moves, so a run
// that started before a move cannot mark the moved job done. A row stays after it is done (for
// the operator and for the counts) until the runner forgets it a week later.
constexpr std::string_view jobs_schema = R"sql(
CREATE TABLE jobs (
  id {{id}},
  kind TEXT NOT NULL,
  job_key TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '',
  due_at BIGINT NOT NULL,
  generation BIGINT NOT NULL DEFAULT 1,
  attempts BIGINT NOT NULL DEFAULT 0,
  claimed_by TEXT,
  claimed_until BIGINT,
  last_error TEXT,
  failed_at BIGINT,
  done_at BIGINT,
  created_at BIGINT NOT NULL,
  UNIQUE (kind, job_key)
);
CREATE INDEX jobs_due ON jobs(due_at) WHERE done_at IS NULL AND failed_at IS NULL;
)sql";

constexpr db::migration steps[] = {
    {19, "jobs: scheduled work, claimed once across nodes", jobs_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::jobs
