#include "mentions/store.hpp"

#include "db/sql_lists.hpp"

namespace ps::mentions::store {

void insert(db::transaction& tx, std::string_view item_kind, std::int64_t item_id,
            std::int64_t channel_id, std::int64_t author_id, const std::vector<row>& rows,
            millis at) {
  for (const auto& r : rows)
    tx.execute_pipelined(
        "INSERT INTO mentions (item_kind, item_id, channel_id, author_id, account_id, scope, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        item_kind, item_id, channel_id, author_id,
        r.account_id ? std::optional<std::int64_t>(r.account_id) : std::nullopt, r.scope, at);
}

void remove(db::transaction& tx, std::string_view item_kind, std::int64_t item_id) {
  tx.execute_pipelined("DELETE FROM mentions WHERE item_kind = $1 AND item_id = $2", item_kind,
                       item_id);
}

namespace {

std::vector<candidate> read(const std::vector<db::row>& rows) {
  std::vector<candidate> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back({r.integer(0), r.text(1)});
  return out;
}

}  // namespace

std::vector<candidate> community_members(db::session& s, std::int64_t community_id) {
  return read(s.query(
      "SELECT a.id, a.display_name FROM memberships m JOIN accounts a ON a.id = m.account_id "
      "WHERE m.community_id = $1 AND m.left_at IS NULL ORDER BY a.id",
      community_id));
}

std::vector<candidate> accounts_named(db::session& s, std::span<const std::int64_t> ids) {
  if (ids.empty()) return {};
  const std::size_t slots = db::padded_size(ids.size());
  std::vector<db::param> params;
  db::append_padded(params, ids, slots,
                    [](std::int64_t id, std::vector<db::param>& p) { p.emplace_back(id); });
  return read(s.query_params("SELECT DISTINCT id, display_name FROM accounts WHERE id IN (" +
                                 db::placeholder_list(slots) + ") ORDER BY id",
                             params));
}

}  // namespace ps::mentions::store
