#pragma once
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "chat/model.hpp"
#include "communities/model.hpp"
#include "db/database.hpp"

// The facts the access policy decides on, each in one query. Nothing here decides: policy.cpp
// does, so that the rule is written once.
namespace ps::access::store {

struct room_facts {
  chat::channel room;
  bool is_member = false;  // of the room's community, now
  communities::role member_role = communities::role::member;
  std::string member_name;
  bool participant = false;  // listed in channel_participants
};
// Nothing when the room does not exist; is_member false when the account is not in it.
std::optional<room_facts> room_facts_of(db::session& s, std::int64_t channel_id,
                                        std::int64_t account_id);

// One question of room_facts_for: this account, in this room.
struct room_key {
  std::int64_t channel_id = 0;
  std::int64_t account_id = 0;
  auto operator<=>(const room_key&) const = default;
};
// room_facts_of for several questions (at most db::max_batch) in one query; a room that does
// not exist has no entry.
std::map<room_key, room_facts> room_facts_for(db::session& s, std::span<const room_key> asked);

// Every room of the community, with whether the account is listed among its participants.
struct listed_room {
  chat::channel room;
  bool participant = false;
};
std::vector<listed_room> rooms_of_community(db::session& s, std::int64_t community_id,
                                            std::int64_t account_id);

// The community's current hosts and owner.
std::vector<std::int64_t> current_hosts(db::session& s, std::int64_t community_id);

// The room's participants who are still members of its community.
std::vector<std::int64_t> current_participants(db::session& s, std::int64_t channel_id);
void add_participant(db::transaction& tx, std::int64_t channel_id, std::int64_t account_id,
                     millis now);
// Someone who leaves the community (removed, or on their own) leaves its rooms with
// participants too: coming back later does not bring them back in.
void end_participations(db::transaction& tx, std::int64_t community_id, std::int64_t account_id);

}  // namespace ps::access::store
