#include "access/policy.hpp"

#include <algorithm>

#include "access/seen_rooms.hpp"
#include "access/store.hpp"
#include "communities/store.hpp"

namespace ps::access {

// The only maker of refs (see refs.hpp): defined here and nowhere else.
class gate {
 public:
  static member_ref member(communities::community c, communities::membership m) {
    return member_ref(std::move(c), std::move(m));
  }
  static channel_ref room(chat::channel c, communities::role r, std::string name) {
    return channel_ref(std::move(c), r, std::move(name));
  }
};

namespace {

result<member_ref> member_of(db::session& s, const caller& who,
                             std::optional<communities::community> place) {
  if (!place) return errors::not_found("community");
  auto self = communities::store::current_membership(s, place->id, who.account_id);
  if (!self) return errors::not_found("community");
  return gate::member(std::move(*place), std::move(*self));
}

}  // namespace

result<member_ref> community_for(db::session& s, const caller& who, const std::string& slug) {
  return member_of(s, who, communities::store::community_by_slug(s, slug));
}

result<member_ref> community_for(db::session& s, const caller& who, std::int64_t community_id) {
  return member_of(s, who, communities::store::community_by_id(s, community_id));
}

bool may_see(const chat::channel& room, bool participant) {
  return room.visibility == everyone_in_community || participant;
}

std::vector<chat::channel> visible_rooms(db::session& s, const member_ref& member) {
  std::vector<chat::channel> out;
  for (auto& l : store::rooms_of_community(s, member.place.id, member.self.account_id))
    if (may_see(l.room, l.participant)) out.push_back(std::move(l.room));
  return out;
}

namespace {

// The rule for one caller and one room, whichever way its facts were read.
result<channel_ref> decide(std::optional<store::room_facts> facts) {
  // A room the caller may not see answers as one that does not exist.
  if (!facts || !facts->is_member || !may_see(facts->room, facts->participant))
    return errors::not_found("channel");
  return gate::room(std::move(facts->room), facts->member_role, std::move(facts->member_name));
}

}  // namespace

result<channel_ref> channel_for(db::session& s, const caller& who, std::int64_t channel_id) {
  return decide(store::room_facts_of(s, channel_id, who.account_id));
}

std::vector<result<channel_ref>> channels_for(db::session& s, std::span<const room_request> asked) {
  std::vector<store::room_key> keys;
  keys.reserve(asked.size());
  for (const auto& a : asked) {
    const store::room_key key{a.channel_id, a.who->account_id};
    if (std::ranges::find(keys, key) == keys.end()) keys.push_back(key);
  }
  auto facts = store::room_facts_for(s, keys);
  std::vector<result<channel_ref>> out;
  out.reserve(asked.size());
  for (const auto& a : asked) {
    auto it = facts.find(store::room_key{a.channel_id, a.who->account_id});
    out.push_back(
        decide(it == facts.end() ? std::nullopt : std::optional<store::room_facts>(it->second)));
  }
  return out;
}

outcome may_read(db::session& s, const caller& who, std::int64_t channel_id, seen_rooms* seen,
                 millis now) {
  if (seen && seen->allowed(who.account_id, channel_id, now)) return done;
  // Taken before asking: a shrinking of access committed meanwhile keeps the answer unsaved.
  const auto ticket = seen ? seen->ticket() : 0;
  auto ref = channel_for(s, who, channel_id);
  if (!ref) return ref.error();
  if (seen) seen->remember(who.account_id, channel_id, now, ticket);
  return done;
}

audience whole_community(std::int64_t community_id) {
  return audience{community_id, std::nullopt};
}

audience just(std::int64_t community_id, std::int64_t account_id) {
  return audience{community_id, std::vector<std::int64_t>{account_id}};
}

std::vector<std::int64_t> hosts_of(db::session& s, std::int64_t community_id) {
  return store::current_hosts(s, community_id);
}

audience audience_of(db::session& s, const chat::channel& room) {
  if (room.visibility == everyone_in_community) return whole_community(room.community_id);
  return audience{room.community_id, store::current_participants(s, room.id)};
}

audience audience_of_event(db::session& s, std::int64_t community_id,
                           std::optional<std::int64_t> channel_id,
                           std::optional<std::int64_t> only_account_id) {
  if (only_account_id) return just(community_id, *only_account_id);
  if (channel_id) {
    // A room that no longer exists has no audience left.
    auto facts = store::room_facts_of(s, *channel_id, 0);
    if (!facts) return audience{community_id, std::vector<std::int64_t>{}};
    return audience_of(s, facts->room);
  }
  return whole_community(community_id);
}

std::vector<std::int64_t> communities_of(db::session& s, std::int64_t account_id) {
  return communities::store::community_ids_of_account(s, account_id);
}

bool room_filter::may_see(std::int64_t channel_id) {
  auto known = known_.find(channel_id);
  if (known != known_.end()) return known->second;
  const bool visible = channel_for(s_, who_, channel_id).ok();
  known_.emplace(channel_id, visible);
  return visible;
}

}  // namespace ps::access
