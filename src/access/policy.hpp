#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "access/refs.hpp"
#include "core/caller.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/database.hpp"

// The one place that decides who may see and do what: which communities a caller belongs to,
// which rooms they may see, and so who receives each event. HTTP routes, the stream, resume,
// history and unread counts all ask here (docs/ARCHITECTURE.md, "One access policy"); no store
// query decides membership on its own, stores only report the facts.
namespace ps::access {

// Room visibilities (channels.visibility).
inline constexpr std::string_view everyone_in_community = "community";
inline constexpr std::string_view participants_only = "participants";

// 404 when the community does not exist or the caller is not a current member: a non-member
// learns nothing, not even that it exists.
result<member_ref> community_for(db::session& s, const caller& who, const std::string& slug);
result<member_ref> community_for(db::session& s, const caller& who, std::int64_t community_id);

// The room, if the caller may see it (one query); 404 otherwise.
result<channel_ref> channel_for(db::session& s, const caller& who, std::int64_t channel_id);

// channel_for for several callers and rooms at once (the posts a writer runs together, at most
// db::max_batch): the same answers, in the order asked, from one query.
struct room_request {
  const caller* who = nullptr;
  std::int64_t channel_id = 0;
};
std::vector<result<channel_ref>> channels_for(db::session& s, std::span<const room_request> asked);

class seen_rooms;
// Whether the caller may read the room, as channel_for decides: for the read paths that need
// nothing else of it (history). With `seen` (PostgreSQL, where asking is a round trip) a yes is
// remembered for a few seconds and forgotten at once when the account's access shrinks
// (access/seen_rooms.hpp).
outcome may_read(db::session& s, const caller& who, std::int64_t channel_id, seen_rooms* seen,
                 millis now);

// Every room of the member's community they may see, as channel_for decides for each (archived
// ones included): for what reads across rooms at once (search).
std::vector<chat::channel> visible_rooms(db::session& s, const member_ref& member);

// Whether the reader may see a room they are listed with (channels_for_reader reports
// `participant` for rooms only participants see).
bool may_see(const chat::channel& room, bool participant);

// Who receives an event: every current member of the community, or only some accounts (a
// room's participants, or the one person a read marker belongs to).
struct audience {
  std::int64_t community_id = 0;
  std::optional<std::vector<std::int64_t>> only;
};
audience whole_community(std::int64_t community_id);
audience just(std::int64_t community_id, std::int64_t account_id);
// The community's hosts (and owner), now: who sees what members tell the hosts alone (the
// answers to a broadcast's question prompt). Such events are logged once per host, each with
// that host as its one account, so resume and the other nodes need no rule of their own.
std::vector<std::int64_t> hosts_of(db::session& s, std::int64_t community_id);
// The audience of a room's events, decided as channel_for() decides for one caller.
audience audience_of(db::session& s, const chat::channel& room);
// The audience of an event logged in `community_id`: its one account, else its room's, else the
// whole community (how another node's events are relayed to this node's connections).
audience audience_of_event(db::session& s, std::int64_t community_id,
                           std::optional<std::int64_t> channel_id,
                           std::optional<std::int64_t> only_account_id);

// The communities the account belongs to now.
std::vector<std::int64_t> communities_of(db::session& s, std::int64_t account_id);

// For a resume: decides, room by room, whether the caller may see it, asking the database once
// per room however many events name it.
class room_filter {
 public:
  room_filter(db::session& s, const caller& who) : s_(s), who_(who) {}
  bool may_see(std::int64_t channel_id);

 private:
  db::session& s_;
  const caller& who_;
  std::map<std::int64_t, bool> known_;
};

}  // namespace ps::access
