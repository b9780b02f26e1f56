#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chat/model.hpp"
#include "db/database.hpp"

// The SQL of conversations. Facts only: who may see or start what is decided in service.cpp
// through the access policy.
namespace ps::conversations::store {

struct person {
  std::int64_t id = 0;
  std::string display_name;
};

// Marks a new channel as the direct conversation of two accounts ("a:b", smaller first).
void set_direct_key(db::transaction& tx, std::int64_t channel_id, const std::string& key);
std::optional<std::int64_t> direct_channel(db::session& s, std::int64_t community_id,
                                           const std::string& key);
// Current participants (still members of the community), by name.
std::vector<person> participants_of(db::session& s, std::int64_t channel_id);
void remove_participant(db::transaction& tx, std::int64_t channel_id, std::int64_t account_id);
// The conversations (direct and group rooms) `account` takes part in, in `community`.
std::vector<std::int64_t> conversation_ids(db::session& s, std::int64_t community_id,
                                           std::int64_t account_id);
// The time of the room's last message (its creation when it has none).
millis last_activity(db::session& s, const chat::channel& room);
// Whether the two accounts take part in one conversation of the community.
bool share_a_conversation(db::session& s, std::int64_t community_id, std::int64_t a,
                          std::int64_t b);

bool direct_messages_off(db::session& s, std::int64_t community_id);
void set_direct_messages_off(db::transaction& tx, std::int64_t community_id, bool off);
bool known_only(db::session& s, std::int64_t account_id);
void set_known_only(db::transaction& tx, std::int64_t account_id, bool only);

}  // namespace ps::conversations::store
