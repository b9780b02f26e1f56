#include "jobs/store.hpp"

#include <algorithm>

namespace ps::jobs::store {
namespace {
// Not done, not given up on, not held by a live claim: what may be claimed once due.
constexpr const char* idle =
    "done_at IS NULL AND failed_at IS NULL AND (claimed_until IS NULL OR claimed_until < $NOW)";

std::string with_now(std::string sql, std::string_view placeholder) {
  for (std::size_t at; (at = sql.find("$NOW")) != std::string::npos;)
    sql.replace(at, 4, placeholder);
  return sql;
}
}  // namespace

void upsert(db::transaction& tx, const std::string& kind, const std::string& key,
            const std::string& payload, millis due_at, millis now) {
  tx.execute(
      "INSERT INTO jobs (kind, job_key, payload, due_at, created_at) VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT (kind, job_key) DO UPDATE SET payload = excluded.payload, due_at = "
      "excluded.due_at, generation = jobs.generation + 1, attempts = 0, last_error = NULL, "
      "failed_at = NULL, done_at = NULL, claimed_by = NULL, claimed_until = NULL",
      kind, key, payload, due_at, now);
}

void insert_if_absent(db::transaction& tx, const std::string& kind, const std::string& key,
                      millis due_at, millis now) {
  tx.execute(
      "INSERT INTO jobs (kind, job_key, payload, due_at, created_at) VALUES ($1, $2, '', $3, "
      "$4) ON CONFLICT (kind, job_key) DO NOTHING",
      kind, key, due_at, now);
}

bool remove_idle(db::transaction& tx, const std::string& kind, const std::string& key, millis now) {
  return tx.execute(with_now("DELETE FROM jobs WHERE kind = $1 AND job_key = $2 AND (claimed_until "
                             "IS NULL OR claimed_until < $NOW OR done_at IS NOT NULL OR failed_at "
                             "IS NOT NULL)",
                             "$3"),
                    kind, key, now) == 1;
}

std::vector<claimed_job> claim_due(db::transaction& tx, const std::string& node,
                                   const std::string& kinds, millis now, millis until, int limit) {
  // A conditional UPDATE, as for the outbox: a second node's UPDATE of the same rows waits for
  // the first one's commit, then finds them claimed and leaves them.
  const std::string sql = with_now(
      std::string("UPDATE jobs SET claimed_by = $1, claimed_until = $2 WHERE id IN (SELECT id FROM "
                  "jobs WHERE due_at <= $3 AND ',' || $5 || ',' LIKE '%,' || kind || ',%' AND ") +
          idle + " ORDER BY due_at, id LIMIT $4) AND due_at <= $3 AND " + idle +
          " RETURNING id, kind, job_key, payload, generation, attempts",
      "$3");
  std::vector<claimed_job> out;
  for (auto& r : tx.query(sql, node, until, now, limit, kinds)) {
    claimed_job j;
    j.id = r.integer(0);
    j.kind = r.text(1);
    j.key = r.text(2);
    j.payload = r.text(3);
    j.generation = r.integer(4);
    j.attempts = r.integer(5);
    out.push_back(std::move(j));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

bool mark_done(db::transaction& tx, const claimed_job& j, const std::string& node, millis at) {
  return tx.execute(
             "UPDATE jobs SET done_at = $1, claimed_by = NULL, claimed_until = NULL, "
             "attempts = attempts + 1 WHERE id = $2 AND generation = $3 AND claimed_by = $4",
             at, j.id, j.generation, node) == 1;
}

bool run_again(db::transaction& tx, const claimed_job& j, const std::string& node, millis at,
               const std::string& payload) {
  return tx.execute(
             "UPDATE jobs SET due_at = $1, payload = $2, claimed_by = NULL, claimed_until = "
             "NULL WHERE id = $3 AND generation = $4 AND claimed_by = $5",
             at, payload, j.id, j.generation, node) == 1;
}

void record_failure(db::transaction& tx, const claimed_job& j, const std::string& node,
                    const std::string& error, std::optional<millis> retry_at, millis now) {
  if (retry_at) {
    tx.execute(
        "UPDATE jobs SET attempts = attempts + 1, last_error = $1, due_at = $2, claimed_by "
        "= NULL, claimed_until = NULL WHERE id = $3 AND generation = $4 AND claimed_by = $5",
        error, *retry_at, j.id, j.generation, node);
  } else {
    tx.execute(
        "UPDATE jobs SET attempts = attempts + 1, last_error = $1, failed_at = $2, "
        "claimed_by = NULL, claimed_until = NULL WHERE id = $3 AND generation = $4 AND "
        "claimed_by = $5",
        error, now, j.id, j.generation, node);
  }
}

std::int64_t release_claims(db::transaction& tx, const std::string& node) {
  return tx.execute("UPDATE jobs SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = $1",
                    node);
}

std::int64_t forget_done_before(db::transaction& tx, millis before) {
  return tx.execute("DELETE FROM jobs WHERE done_at IS NOT NULL AND done_at < $1", before);
}

std::optional<job_row> find(db::session& s, const std::string& kind, const std::string& key,
                            millis now) {
  auto r = s.query_one(
      "SELECT id, payload, due_at, attempts, last_error, done_at, failed_at, claimed_until FROM "
      "jobs WHERE kind = $1 AND job_key = $2",
      kind, key);
  if (!r) return std::nullopt;
  job_row j;
  j.id = r->integer(0);
  j.kind = kind;
  j.key = key;
  j.payload = r->text(1);
  j.due_at = r->integer(2);
  j.attempts = r->integer(3);
  j.last_error = r->maybe_text(4);
  j.done_at = r->maybe_integer(5);
  j.failed_at = r->maybe_integer(6);
  const auto until = r->maybe_integer(7);
  j.running = !j.done_at && !j.failed_at && until && *until >= now;
  return j;
}

gauges count(db::session& s, millis now) {
  auto r = s.query_one(
      "SELECT COALESCE(SUM(CASE WHEN failed_at IS NULL AND claimed_until >= $1 THEN 1 ELSE 0 END), "
      "0), COALESCE(SUM(CASE WHEN failed_at IS NULL AND (claimed_until IS NULL OR claimed_until < "
      "$1) AND due_at <= $1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN failed_at IS NULL AND "
      "(claimed_until IS NULL OR claimed_until < $1) AND due_at > $1 THEN 1 ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM jobs WHERE done_at "
      "IS NULL",
      now);
  gauges g;
  g.running = r->integer(0);
  g.due = r->integer(1);
  g.scheduled = r->integer(2);
  g.failed = r->integer(3);
  return g;
}

std::optional<millis> next_due(db::session& s) {
  auto r = s.query_one("SELECT MIN(due_at) FROM jobs WHERE done_at IS NULL AND failed_at IS NULL");
  return r ? r->maybe_integer(0) : std::nullopt;
}

}  // namespace ps::jobs::store
