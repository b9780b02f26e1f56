#pragma once
#include <compare>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "chat/model.hpp"
#include "db/database.hpp"

// The SQL of channels, messages, reactions and read markers.
namespace ps::chat::store {

std::int64_t insert_channel(db::transaction& tx, const channel& c, std::int64_t created_by);
// A room from a row whose columns 0–7 are id, community_id, name, kind, archived_at, last_seq,
// created_at, visibility (every store that reads rooms selects them first, in this order).
channel read_channel(const db::row& r);
std::optional<channel> channel_by_id(db::session& s, std::int64_t id);
// A room with the reader's read marker and unread count, and whether the reader is one of its
// participants (for access::may_see, which decides what the reader is shown).
struct listed_channel {
  channel room;
  bool participant = false;
};
// Every room of the community, archived ones last: the caller filters with access::may_see.
std::vector<listed_channel> channels_for_reader(db::session& s, std::int64_t community_id,
                                                std::int64_t reader_id);
std::optional<listed_channel> channel_for_reader(db::session& s, std::int64_t channel_id,
                                                 std::int64_t reader_id);
void rename_channel(db::transaction& tx, std::int64_t id, const std::string& name);
void set_archived(db::transaction& tx, std::int64_t id, std::optional<millis> archived_at);

// Takes the channel's next sequence number inside the writing transaction.
std::int64_t next_seq(db::transaction& tx, std::int64_t channel_id);
std::int64_t insert_message(db::transaction& tx, const message& m);
void add_reply(db::transaction& tx, std::int64_t parent_id);
void update_body(db::transaction& tx, std::int64_t id, const std::string& body,
                 const std::string& html, millis now);
void mark_deleted(db::transaction& tx, std::int64_t id, millis now);

// Without reactions and files; with_extras() fills them.
std::optional<message> message_by_id(db::session& s, std::int64_t id);
std::optional<message> message_by_client_id(db::session& s, std::int64_t channel_id,
                                            std::int64_t author_id, const std::string& client_id);
std::vector<message> latest_messages(db::session& s, std::int64_t channel_id, int limit);
std::vector<message> messages_before(db::session& s, std::int64_t channel_id, std::int64_t seq,
                                     int limit);
std::vector<message> messages_after(db::session& s, std::int64_t channel_id, std::int64_t seq,
                                    int limit);
std::vector<message> replies_to(db::session& s, std::int64_t parent_id);
// Fills the reactions and attached files of messages that all belong to one channel.
void with_extras(db::session& s, std::vector<message>& messages);

// The emoji one account has put on one message.
std::vector<std::string> reactions_by(db::session& s, std::int64_t message_id,
                                      std::int64_t account_id);
// True when the reaction was new.
bool add_reaction(db::transaction& tx, std::int64_t message_id, std::int64_t account_id,
                  const std::string& emoji, millis now);
bool remove_reaction(db::transaction& tx, std::int64_t message_id, std::int64_t account_id,
                     const std::string& emoji);

// For posts written together (chat/posting.cpp; the SQL in chat/batch_store.cpp), each for at
// most db::max_batch items.
// Takes `count` sequence numbers in each channel of `counts` (channel -> count), locking the
// channels in the order of their ids; returns each channel's last one taken.
std::map<std::int64_t, std::int64_t> take_seqs(db::transaction& tx,
                                               const std::map<std::int64_t, std::int64_t>& counts);
// Inserts the messages and fills their ids.
void insert_messages(db::transaction& tx, std::span<message> messages);
struct client_key {
  std::int64_t channel_id = 0;
  std::int64_t author_id = 0;
  std::string client_id;
  auto operator<=>(const client_key&) const = default;
};
// message_by_client_id for several keys in one query; keys not found have no entry.
std::map<client_key, message> messages_by_client_ids(db::session& s,
                                                     std::span<const client_key> keys);
struct read_mark {
  std::int64_t channel_id = 0;
  std::int64_t account_id = 0;
  std::int64_t seq = 0;
};
// mark_read for several readers, each (channel, account) once.
void mark_read_many(db::transaction& tx, std::span<const read_mark> marks);

// Moves the reader's marker forward (never backwards).
void mark_read(db::transaction& tx, std::int64_t channel_id, std::int64_t account_id,
               std::int64_t seq);

}  // namespace ps::chat::store
