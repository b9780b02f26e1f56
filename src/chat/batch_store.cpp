// The statements of posts written together (chat/posting.cpp): a few for a whole group
// instead of a few per post. Lists are padded or cut as db/sql_lists.hpp says.
#include <algorithm>

#include "chat/store.hpp"
#include "db/sql_lists.hpp"

namespace ps::chat::store {
std::map<std::int64_t, std::int64_t> take_seqs(db::transaction& tx,
                                               const std::map<std::int64_t, std::int64_t>& counts) {
  std::map<std::int64_t, std::int64_t> last;
  if (counts.empty()) return last;
  std::vector<std::int64_t> ids;
  // In the order of their ids (the map's), as every batch locks them: two nodes' batches
  // cannot wait for each other's channels in a circle.
  for (auto [channel_id, count] : counts) {
    tx.execute_pipelined("UPDATE channels SET last_seq = last_seq + $2 WHERE id = $1", channel_id,
                         count);
    ids.push_back(channel_id);
  }
  const std::size_t slots = db::padded_size(ids.size());
  const std::string q =
      "SELECT id, last_seq FROM channels WHERE id IN (" + db::placeholder_list(slots) + ")";
  std::vector<db::param> params;
  db::append_padded(params, std::span<const std::int64_t>(ids), slots,
                    [](std::int64_t id, std::vector<db::param>& p) { p.emplace_back(id); });
  for (auto& r : tx.query_params(q, params)) last[r.integer(0)] = r.integer(1);
  return last;
}

void insert_messages(db::transaction& tx, std::span<message> messages) {
  if (messages.empty()) return;
  // The rows travel pipelined, in pieces; one query then reads their ids back by (channel,
  // seq), which this transaction has just taken.
  db::insert_pipelined(tx,
                       "INSERT INTO messages (channel_id, seq, author_id, body, html, parent_id, "
                       "client_id, created_at) VALUES ",
                       8, messages, [](const message& m, std::vector<db::param>& p) {
                         p.emplace_back(m.channel_id);
                         p.emplace_back(m.seq);
                         p.emplace_back(m.author_id);
                         p.emplace_back(m.body);
                         p.emplace_back(m.html);
                         p.emplace_back(m.parent_id);
                         p.emplace_back(m.client_id);
                         p.emplace_back(m.created_at);
                       });
  struct range {
    std::int64_t channel_id, low, high;
  };
  std::vector<range> ranges;
  for (const auto& m : messages) {
    auto it = std::ranges::find(ranges, m.channel_id, &range::channel_id);
    if (it == ranges.end())
      ranges.push_back({m.channel_id, m.seq, m.seq});
    else
      it->low = std::min(it->low, m.seq), it->high = std::max(it->high, m.seq);
  }
  const std::size_t slots = db::padded_size(ranges.size());
  const std::string q = db::union_all(
      slots,
      "SELECT id, channel_id, seq FROM messages WHERE channel_id = ? AND seq BETWEEN ? AND ?");
  std::vector<db::param> params;
  db::append_padded(params, std::span<const range>(ranges), slots,
                    [](const range& r, std::vector<db::param>& p) {
                      p.emplace_back(r.channel_id);
                      p.emplace_back(r.low);
                      p.emplace_back(r.high);
                    });
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> ids;
  for (auto& r : tx.query_params(q, params)) ids[{r.integer(1), r.integer(2)}] = r.integer(0);
  for (auto& m : messages) m.id = ids.at({m.channel_id, m.seq});
}

std::map<client_key, message> messages_by_client_ids(db::session& s,
                                                     std::span<const client_key> keys) {
  std::map<client_key, message> out;
  if (keys.empty()) return out;
  const std::size_t slots = db::padded_size(keys.size());
  const std::string q = db::union_all(
      slots,
      "SELECT id, channel_id, author_id, client_id FROM messages WHERE channel_id = ? "
      "AND author_id = ? AND client_id = ? AND client_id IS NOT NULL");
  std::vector<db::param> params;
  db::append_padded(params, keys, slots, [](const client_key& k, std::vector<db::param>& p) {
    p.emplace_back(k.channel_id);
    p.emplace_back(k.author_id);
    p.emplace_back(k.client_id);
  });
  for (auto& r : s.query_params(q, params)) {
    // Only retries find one: the whole message is read the usual way.
    const client_key key{r.integer(1), r.integer(2), r.text(3)};
    if (!out.contains(key)) out.emplace(key, *message_by_id(s, r.integer(0)));
  }
  return out;
}

void mark_read_many(db::transaction& tx, std::span<const read_mark> marks) {
  db::insert_pipelined(
      tx, "INSERT INTO read_markers (channel_id, account_id, last_read_seq) VALUES ", 3, marks,
      [](const read_mark& m, std::vector<db::param>& p) {
        p.emplace_back(m.channel_id);
        p.emplace_back(m.account_id);
        p.emplace_back(m.seq);
      },
      " ON CONFLICT (channel_id, account_id) DO UPDATE SET last_read_seq = "
      "excluded.last_read_seq WHERE excluded.last_read_seq > read_markers.last_read_seq");
}

}  // namespace ps::chat::store
