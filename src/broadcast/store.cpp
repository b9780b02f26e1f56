#include "broadcast/store.hpp"

#include <algorithm>

namespace ps::broadcast::store {

std::int64_t insert_poll(db::transaction& tx, const poll& p, std::int64_t created_by) {
  return tx
      .query_one(
          "INSERT INTO polls (channel_id, message_id, question, multiple, anonymous, closes_at, "
          "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
          p.channel_id, p.message_id, p.question, static_cast<std::int64_t>(p.multiple),
          static_cast<std::int64_t>(p.anonymous), p.closes_at, created_by, p.created_at)
      ->integer(0);
}

void insert_option(db::transaction& tx, std::int64_t poll_id, std::int64_t position,
                   const std::string& text) {
  tx.execute("INSERT INTO poll_options (poll_id, position, text) VALUES ($1, $2, $3)", poll_id,
             position, text);
}

std::optional<poll> poll_by_id(db::session& s, std::int64_t id) {
  auto r = s.query_one(
      "SELECT p.id, p.channel_id, ch.community_id, p.message_id, p.question, p.multiple, "
      "p.anonymous, p.closes_at, p.created_at, (SELECT COUNT(*) FROM poll_ballots b WHERE "
      "b.poll_id = p.id) FROM polls p JOIN channels ch ON ch.id = p.channel_id WHERE p.id = $1",
      id);
  if (!r) return std::nullopt;
  poll p;
  p.id = r->integer(0);
  p.channel_id = r->integer(1);
  p.community_id = r->integer(2);
  p.message_id = r->integer(3);
  p.question = r->text(4);
  p.multiple = r->integer(5) != 0;
  p.anonymous = r->integer(6) != 0;
  p.closes_at = r->maybe_integer(7);
  p.created_at = r->integer(8);
  p.voters = r->integer(9);
  for (const auto& o :
       s.query("SELECT id, text FROM poll_options WHERE poll_id = $1 ORDER BY position", id))
    p.options.push_back({o.integer(0), o.text(1), 0, {}});
  for (const auto& v : s.query(
           "SELECT option_id, account_id FROM poll_votes WHERE poll_id = $1 ORDER BY account_id",
           id)) {
    auto it =
        std::ranges::find_if(p.options, [&](const option& o) { return o.id == v.integer(0); });
    if (it == p.options.end()) continue;
    it->count += 1;
    it->voters.push_back(v.integer(1));
  }
  return p;
}

std::vector<std::int64_t> poll_ids_of(db::session& s, std::int64_t channel_id, std::size_t limit) {
  std::vector<std::int64_t> out;
  for (const auto& r :
       s.query("SELECT id FROM polls WHERE channel_id = $1 ORDER BY id DESC LIMIT $2", channel_id,
               static_cast<std::int64_t>(limit)))
    out.push_back(r.integer(0));
  return out;
}

std::vector<std::int64_t> choices_of(db::session& s, std::int64_t poll_id,
                                     std::int64_t account_id) {
  std::vector<std::int64_t> out;
  for (const auto& r : s.query("SELECT v.option_id FROM poll_votes v JOIN poll_options o ON o.id "
                               "= v.option_id WHERE v.poll_id = $1 AND v.account_id = $2 ORDER "
                               "BY o.position",
                               poll_id, account_id))
    out.push_back(r.integer(0));
  return out;
}

void take_ballot(db::transaction& tx, std::int64_t poll_id, std::int64_t account_id, millis now) {
  tx.execute(
      "INSERT INTO poll_ballots (poll_id, account_id, voted_at) VALUES ($1, $2, $3) ON CONFLICT "
      "(poll_id, account_id) DO UPDATE SET voted_at = excluded.voted_at",
      poll_id, account_id, now);
}

void replace_choices(db::transaction& tx, std::int64_t poll_id, std::int64_t account_id,
                     const std::vector<std::int64_t>& option_ids) {
  tx.execute("DELETE FROM poll_votes WHERE poll_id = $1 AND account_id = $2", poll_id, account_id);
  for (auto id : option_ids)
    tx.execute("INSERT INTO poll_votes (poll_id, option_id, account_id) VALUES ($1, $2, $3)",
               poll_id, id, account_id);
}

std::optional<due> next_closing(db::session& s) {
  auto r = s.query_one(
      "SELECT id, closes_at FROM polls WHERE closed_announced = 0 AND closes_at IS NOT NULL "
      "ORDER BY closes_at LIMIT 1");
  if (!r) return std::nullopt;
  return due{r->integer(0), r->integer(1)};
}

bool mark_closing_announced(db::transaction& tx, std::int64_t poll_id) {
  return tx.execute("UPDATE polls SET closed_announced = 1 WHERE id = $1 AND closed_announced = 0",
                    poll_id) > 0;
}

bool set_muted(db::transaction& tx, std::int64_t channel_id, std::int64_t account_id, bool muted,
               millis now) {
  if (!muted)
    return tx.execute("DELETE FROM channel_mutes WHERE channel_id = $1 AND account_id = $2",
                      channel_id, account_id) > 0;
  return tx.execute(
             "INSERT INTO channel_mutes (channel_id, account_id, muted_at) VALUES ($1, $2, "
             "$3) ON CONFLICT (channel_id, account_id) DO NOTHING",
             channel_id, account_id, now) > 0;
}

bool is_muted(db::session& s, std::int64_t channel_id, std::int64_t account_id) {
  return s
      .query_one("SELECT 1 FROM channel_mutes WHERE channel_id = $1 AND account_id = $2",
                 channel_id, account_id)
      .has_value();
}

std::vector<std::int64_t> muted_rooms(db::session& s, std::int64_t community_id,
                                      std::int64_t account_id) {
  std::vector<std::int64_t> out;
  for (const auto& r : s.query("SELECT m.channel_id FROM channel_mutes m JOIN channels ch ON ch.id "
                               "= m.channel_id WHERE ch.community_id = $1 AND m.account_id = $2 "
                               "ORDER BY m.channel_id",
                               community_id, account_id))
    out.push_back(r.integer(0));
  return out;
}

}  // namespace ps::broadcast::store
