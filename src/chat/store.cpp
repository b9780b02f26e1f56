#include "chat/store.hpp"

#include <algorithm>
#include <map>

#include "files/store.hpp"

namespace ps::chat::store {
namespace {

constexpr const char* channel_select =
    "SELECT id, community_id, name, kind, archived_at, last_seq, created_at, visibility FROM "
    "channels ";

// The reader's marker and the unread count, counted up to unread_cap so that a member who never
// opened a busy channel costs one bounded index range, not a scan.
constexpr const char* reader_select =
    "SELECT ch.id, ch.community_id, ch.name, ch.kind, ch.archived_at, ch.last_seq, ch.created_at, "
    "ch.visibility, COALESCE(rm.last_read_seq, 0), "
    "(SELECT COUNT(*) FROM (SELECT 1 FROM messages m WHERE m.channel_id = ch.id "
    "AND m.seq > COALESCE(rm.last_read_seq, 0) AND m.author_id <> $2 AND m.deleted_at IS NULL "
    "LIMIT 1000) AS u), "
    "EXISTS (SELECT 1 FROM channel_participants p WHERE p.channel_id = ch.id AND p.account_id = "
    "$2) "
    "FROM channels ch LEFT JOIN read_markers rm ON rm.channel_id = ch.id AND rm.account_id = $2 ";

listed_channel read_reader_channel(const db::row& r) {
  listed_channel out{read_channel(r), r.boolean(10)};
  out.room.last_read_seq = r.integer(8);
  out.room.unread = r.integer(9);
  return out;
}

constexpr const char* message_select =
    "SELECT m.id, m.seq, m.channel_id, m.author_id, a.display_name, m.body, m.html, m.parent_id, "
    "m.client_id, "
    "m.reply_count, m.created_at, m.edited_at, m.deleted_at FROM messages m JOIN accounts a ON "
    "a.id = m.author_id ";

message read_message(const db::row& r) {
  message m;
  m.id = r.integer(0);
  m.seq = r.integer(1);
  m.channel_id = r.integer(2);
  m.author_id = r.integer(3);
  m.author_name = r.text(4);
  m.body = r.text(5);
  m.html = r.text(6);
  m.parent_id = r.maybe_integer(7);
  m.client_id = r.maybe_text(8);
  m.reply_count = r.integer(9);
  m.created_at = r.integer(10);
  m.edited_at = r.maybe_integer(11);
  m.deleted_at = r.maybe_integer(12);
  return m;
}

std::vector<message> read_messages(std::vector<db::row> rows) {
  std::vector<message> out;
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back(read_message(r));
  return out;
}

std::string sql(const char* head, const char* tail) {
  return std::string(head) + tail;
}

}  // namespace

channel read_channel(const db::row& r) {
  channel c;
  c.id = r.integer(0);
  c.community_id = r.integer(1);
  c.name = r.text(2);
  c.kind = r.text(3);
  c.archived_at = r.maybe_integer(4);
  c.last_seq = r.integer(5);
  c.created_at = r.integer(6);
  c.visibility = r.text(7);
  return c;
}

std::int64_t insert_channel(db::transaction& tx, const channel& c, std::int64_t created_by) {
  return tx
      .query_one(
          "INSERT INTO channels (community_id, name, kind, visibility, created_by, created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
          c.community_id, c.name, c.kind, c.visibility, created_by, c.created_at)
      ->integer(0);
}

std::optional<channel> channel_by_id(db::session& s, std::int64_t id) {
  static const std::string q = sql(channel_select, "WHERE id = $1");
  auto r = s.query_one(q, id);
  if (!r) return std::nullopt;
  return read_channel(*r);
}

std::vector<listed_channel> channels_for_reader(db::session& s, std::int64_t community_id,
                                                std::int64_t reader_id) {
  static const std::string q = sql(reader_select,
                                   "WHERE ch.community_id = $1 ORDER BY CASE WHEN ch.archived_at "
                                   "IS NULL THEN 0 ELSE 1 END, ch.id");
  std::vector<listed_channel> out;
  for (auto& r : s.query(q, community_id, reader_id)) out.push_back(read_reader_channel(r));
  return out;
}

std::optional<listed_channel> channel_for_reader(db::session& s, std::int64_t channel_id,
                                                 std::int64_t reader_id) {
  static const std::string q = sql(reader_select, "WHERE ch.id = $1");
  auto r = s.query_one(q, channel_id, reader_id);
  if (!r) return std::nullopt;
  return read_reader_channel(*r);
}

void rename_channel(db::transaction& tx, std::int64_t id, const std::string& name) {
  tx.execute("UPDATE channels SET name = $1 WHERE id = $2", name, id);
}

void set_archived(db::transaction& tx, std::int64_t id, std::optional<millis> archived_at) {
  tx.execute("UPDATE channels SET archived_at = $1 WHERE id = $2", archived_at, id);
}

std::int64_t next_seq(db::transaction& tx, std::int64_t channel_id) {
  // UPDATE then SELECT, not RETURNING: see realtime/log_store.cpp's next_pos.
  tx.execute_pipelined("UPDATE channels SET last_seq = last_seq + 1 WHERE id = $1", channel_id);
  return tx.query_one("SELECT last_seq FROM channels WHERE id = $1", channel_id)->integer(0);
}

std::int64_t insert_message(db::transaction& tx, const message& m) {
  return tx
      .query_one(
          "INSERT INTO messages (channel_id, seq, author_id, body, html, parent_id, client_id, "
          "created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
          m.channel_id, m.seq, m.author_id, m.body, m.html, m.parent_id, m.client_id, m.created_at)
      ->integer(0);
}

void add_reply(db::transaction& tx, std::int64_t parent_id) {
  tx.execute("UPDATE messages SET reply_count = reply_count + 1 WHERE id = $1", parent_id);
}

void update_body(db::transaction& tx, std::int64_t id, const std::string& body,
                 const std::string& html, millis now) {
  tx.execute("UPDATE messages SET body = $1, html = $2, edited_at = $3 WHERE id = $4", body, html,
             now, id);
}

void mark_deleted(db::transaction& tx, std::int64_t id, millis now) {
  // The text goes at once: a deleted message keeps only its place in the sequence.
  tx.execute("UPDATE messages SET deleted_at = $1, body = '', html = '' WHERE id = $2", now, id);
  tx.execute("DELETE FROM reactions WHERE message_id = $1", id);
}

std::optional<message> message_by_id(db::session& s, std::int64_t id) {
  static const std::string q = sql(message_select, "WHERE m.id = $1");
  auto r = s.query_one(q, id);
  if (!r) return std::nullopt;
  return read_message(*r);
}

std::optional<message> message_by_client_id(db::session& s, std::int64_t channel_id,
                                            std::int64_t author_id, const std::string& client_id) {
  static const std::string q =
      sql(message_select, "WHERE m.channel_id = $1 AND m.author_id = $2 AND m.client_id = $3");
  auto r = s.query_one(q, channel_id, author_id, client_id);
  if (!r) return std::nullopt;
  return read_message(*r);
}

std::vector<message> latest_messages(db::session& s, std::int64_t channel_id, int limit) {
  static const std::string q =
      sql(message_select, "WHERE m.channel_id = $1 ORDER BY m.seq DESC LIMIT $2");
  auto out = read_messages(s.query(q, channel_id, limit));
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<message> messages_before(db::session& s, std::int64_t channel_id, std::int64_t seq,
                                     int limit) {
  static const std::string q =
      sql(message_select, "WHERE m.channel_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3");
  auto out = read_messages(s.query(q, channel_id, seq, limit));
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<message> messages_after(db::session& s, std::int64_t channel_id, std::int64_t seq,
                                    int limit) {
  static const std::string q =
      sql(message_select, "WHERE m.channel_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3");
  return read_messages(s.query(q, channel_id, seq, limit));
}

std::vector<message> replies_to(db::session& s, std::int64_t parent_id) {
  static const std::string q = sql(message_select, "WHERE m.parent_id = $1 ORDER BY m.seq");
  return read_messages(s.query(q, parent_id));
}

void with_extras(db::session& s, std::vector<message>& messages) {
  if (messages.empty()) return;
  std::int64_t low = messages.front().seq, high = low;
  for (const auto& m : messages) {
    low = std::min(low, m.seq);
    high = std::max(high, m.seq);
  }
  // One range query for the whole page instead of one per message.
  std::map<std::int64_t, std::vector<reaction>> by_message;
  for (auto& r : s.query("SELECT r.message_id, r.emoji, r.account_id FROM reactions r JOIN "
                         "messages m ON m.id = r.message_id "
                         "WHERE m.channel_id = $1 AND m.seq BETWEEN $2 AND $3 ORDER BY "
                         "r.message_id, r.created_at, r.account_id",
                         messages.front().channel_id, low, high)) {
    auto& list = by_message[r.integer(0)];
    const std::string& emoji = r.text(1);
    auto it =
        std::find_if(list.begin(), list.end(), [&](const reaction& x) { return x.emoji == emoji; });
    if (it == list.end()) it = list.insert(list.end(), reaction{emoji, {}});
    it->account_ids.push_back(r.integer(2));
  }
  for (auto& m : messages) {
    auto it = by_message.find(m.id);
    m.reactions = it == by_message.end() ? std::vector<reaction>{} : it->second;
  }
  // And one for their files.
  std::int64_t low_id = messages.front().id, high_id = low_id;
  for (const auto& m : messages) {
    low_id = std::min(low_id, m.id);
    high_id = std::max(high_id, m.id);
  }
  auto attached = files::store::files_of_items(s, files::on_message, low_id, high_id);
  for (auto& m : messages) {
    auto it = attached.find(m.id);
    m.files = it == attached.end() ? std::vector<files::file_info>{} : std::move(it->second);
  }
}

std::vector<std::string> reactions_by(db::session& s, std::int64_t message_id,
                                      std::int64_t account_id) {
  std::vector<std::string> out;
  for (auto& r : s.query("SELECT emoji FROM reactions WHERE message_id = $1 AND account_id = $2",
                         message_id, account_id))
    out.push_back(r.text(0));
  return out;
}

bool add_reaction(db::transaction& tx, std::int64_t message_id, std::int64_t account_id,
                  const std::string& emoji, millis now) {
  return tx.execute(
             "INSERT INTO reactions (message_id, account_id, emoji, created_at) VALUES ($1, $2, "
             "$3, $4) "
             "ON CONFLICT (message_id, emoji, account_id) DO NOTHING",
             message_id, account_id, emoji, now) > 0;
}

bool remove_reaction(db::transaction& tx, std::int64_t message_id, std::int64_t account_id,
                     const std::string& emoji) {
  return tx.execute(
             "DELETE FROM reactions WHERE message_id = $1 AND account_id = $2 AND emoji = $3",
             message_id, account_id, emoji) > 0;
}

void mark_read(db::transaction& tx, std::int64_t channel_id, std::int64_t account_id,
               std::int64_t seq) {
  tx.execute_pipelined(
      "INSERT INTO read_markers (channel_id, account_id, last_read_seq) VALUES ($1, $2, $3) "
      "ON CONFLICT (channel_id, account_id) DO UPDATE SET last_read_seq = excluded.last_read_seq "
      "WHERE excluded.last_read_seq > read_markers.last_read_seq",
      channel_id, account_id, seq);
}

}  // namespace ps::chat::store
