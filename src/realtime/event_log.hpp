#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "access/policy.hpp"
#include "core/clock.hpp"
#include "db/database.hpp"
#include "realtime/hub.hpp"

// The event log: every change a member can see has a position in its community's log, taken in
// the transaction of the change (docs/subsystems/realtime.md). Live connections get the frame
// after the commit; a resuming one gets every event after its last position, rebuilt from the
// current state of its subject by the renderer its capability registered.
namespace ps::realtime {

// One row of the log. What the fields hold depends on the type (each capability documents its
// own): channel_id is the room an event belongs to (its visibility decides who sees it),
// subject_id what it is about (a message, a member's account), actor_id who did it when that is
// not the subject, only_account_id the one person who sees it (a read marker).
struct logged_event {
  std::int64_t community_id = 0;
  std::int64_t pos = 0;
  std::string type;
  std::optional<std::int64_t> channel_id;
  std::optional<std::int64_t> subject_id;
  std::optional<std::int64_t> actor_id;
  std::optional<std::int64_t> only_account_id;
  std::string detail;  // small: an emoji, a sequence number
  millis created_at = 0;
};

// Takes the community's next position and writes the event, inside the writing transaction:
// the change and its event commit together or not at all. Returns the position.
std::int64_t append(db::transaction& tx, logged_event& e);

// append() for several events at once (writes run together, at most db::max_batch): positions
// taken per community in one statement each, the rows inserted in a few. Sets each event's pos,
// in the order given.
void append_all(db::transaction& tx, std::span<logged_event> events);

// How many events of one community are kept, newest first. A client further behind than
// max_replay gets a resync instead, so this only needs to be larger.
inline constexpr std::int64_t retained_events = 10'000;
// The most events replayed for one community, and for one resume in all.
inline constexpr std::int64_t max_replay = 500;
inline constexpr std::int64_t max_replay_total = 2'000;

// What a replay sends for one event, from the current state of its subject: the frame's JSON,
// or nothing when the subject is gone for good (the event is then skipped).
using replay_renderer =
    std::function<std::optional<std::string>(db::session&, const logged_event&)>;

// Event types, declared by the capability that writes them and collected at start-up
// (app/capabilities.cpp).
class event_catalog {
 public:
  void add(std::string type, replay_renderer render);
  const replay_renderer* find(std::string_view type) const;

 private:
  std::map<std::string, replay_renderer, std::less<>> renderers_;
};

// The frame of a logged event: its text and its place in the log, so that a resuming
// connection can drop the live copy of what it has just replayed.
// `seq`: a new message's, for connections resuming by channel (the first form of resume).
frame_ptr logged_frame(std::string text, const logged_event& e, std::int64_t seq = 0);

// Hands the frame to its audience once the transaction commits.
void publish_after_commit(db::transaction& tx, hub& to, access::audience audience, frame_ptr frame);
// Now, to the audience; a logged frame in its log's order (hub::deliver_through).
void publish(hub& to, const access::audience& audience, const frame_ptr& frame);
// To the audience now, whatever its place: for what has been put in order already.
void deliver(hub& to, const access::audience& audience, const frame_ptr& frame);

// What a node announces to the others when it commits events FROM..TO of a community.
std::string announce_events(std::int64_t community_id, std::int64_t from, std::int64_t to);

}  // namespace ps::realtime
