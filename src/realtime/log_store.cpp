#include "realtime/log_store.hpp"

#include <algorithm>

#include "db/sql_lists.hpp"

namespace ps::realtime::log_store {

std::int64_t next_pos(db::transaction& tx, std::int64_t community_id) {
  // An UPDATE and a SELECT rather than UPDATE … RETURNING: SQLite materialises RETURNING rows
  // through a temporary table, which cost about 3 µs per post on the single writer (measured in
  // docs/benchmarks.md, issue 9). The row stays locked by the UPDATE until the commit, so the
  // SELECT reads this transaction's own value on every engine. Pipelined: on PostgreSQL the
  // two travel in one round trip.
  tx.execute_pipelined("UPDATE communities SET last_event_pos = last_event_pos + 1 WHERE id = $1",
                       community_id);
  return tx.query_one("SELECT last_event_pos FROM communities WHERE id = $1", community_id)
      ->integer(0);
}

void insert(db::transaction& tx, const logged_event& e) {
  // Nothing reads the row in the same job: its answer comes back with the job's end.
  tx.execute_pipelined(
      "INSERT INTO events (community_id, pos, type, channel_id, subject_id, actor_id, "
      "only_account_id, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      e.community_id, e.pos, e.type, e.channel_id, e.subject_id, e.actor_id, e.only_account_id,
      e.detail, e.created_at);
}

std::map<std::int64_t, std::int64_t> take_positions(
    db::transaction& tx, const std::map<std::int64_t, std::int64_t>& counts) {
  std::map<std::int64_t, std::int64_t> last;
  if (counts.empty()) return last;
  std::vector<std::int64_t> ids;
  for (auto [community_id, count] : counts) {
    tx.execute_pipelined(
        "UPDATE communities SET last_event_pos = last_event_pos + $2 WHERE id = $1", community_id,
        count);
    ids.push_back(community_id);
  }
  const std::size_t slots = db::padded_size(ids.size());
  const std::string q = "SELECT id, last_event_pos FROM communities WHERE id IN (" +
                        db::placeholder_list(slots) + ")";
  std::vector<db::param> params;
  db::append_padded(params, std::span<const std::int64_t>(ids), slots,
                    [](std::int64_t id, std::vector<db::param>& p) { p.emplace_back(id); });
  for (auto& r : tx.query_params(q, params)) last[r.integer(0)] = r.integer(1);
  return last;
}

void insert_many(db::transaction& tx, std::span<const logged_event> events) {
  db::insert_pipelined(tx,
                       "INSERT INTO events (community_id, pos, type, channel_id, subject_id, "
                       "actor_id, only_account_id, detail, created_at) VALUES ",
                       9, events, [](const logged_event& e, std::vector<db::param>& p) {
                         p.emplace_back(e.community_id);
                         p.emplace_back(e.pos);
                         p.emplace_back(e.type);
                         p.emplace_back(e.channel_id);
                         p.emplace_back(e.subject_id);
                         p.emplace_back(e.actor_id);
                         p.emplace_back(e.only_account_id);
                         p.emplace_back(e.detail);
                         p.emplace_back(e.created_at);
                       });
}

void forget_up_to(db::transaction& tx, std::int64_t community_id, std::int64_t pos) {
  tx.execute("DELETE FROM events WHERE community_id = $1 AND pos <= $2", community_id, pos);
}

std::int64_t last_pos(db::session& s, std::int64_t community_id) {
  auto r = s.query_one("SELECT last_event_pos FROM communities WHERE id = $1", community_id);
  return r ? r->integer(0) : 0;
}

std::vector<std::pair<std::int64_t, std::int64_t>> last_positions(db::session& s) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (auto& r : s.query("SELECT id, last_event_pos FROM communities"))
    out.emplace_back(r.integer(0), r.integer(1));
  return out;
}

std::vector<logged_event> events_after(db::session& s, std::int64_t community_id, std::int64_t pos,
                                       std::int64_t limit) {
  std::vector<logged_event> out;
  for (auto& r :
       s.query("SELECT pos, type, channel_id, subject_id, actor_id, only_account_id, detail, "
               "created_at FROM events WHERE community_id = $1 AND pos > $2 ORDER BY pos LIMIT $3",
               community_id, pos, limit)) {
    logged_event e;
    e.community_id = community_id;
    e.pos = r.integer(0);
    e.type = r.text(1);
    e.channel_id = r.maybe_integer(2);
    e.subject_id = r.maybe_integer(3);
    e.actor_id = r.maybe_integer(4);
    e.only_account_id = r.maybe_integer(5);
    e.detail = r.text(6);
    e.created_at = r.integer(7);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace ps::realtime::log_store
