#pragma once
#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "db/database.hpp"
#include "realtime/event_log.hpp"

// The SQL of the event log.
namespace ps::realtime::log_store {

// Takes the community's next position (communities.last_event_pos), inside the transaction.
std::int64_t next_pos(db::transaction& tx, std::int64_t community_id);
void insert(db::transaction& tx, const logged_event& e);
// For events written together: takes `count` positions in each community of `counts`
// (community -> count, locked in the order of their ids) and returns the last one taken in each.
std::map<std::int64_t, std::int64_t> take_positions(
    db::transaction& tx, const std::map<std::int64_t, std::int64_t>& counts);
// Inserts the events (their positions set), pipelined.
void insert_many(db::transaction& tx, std::span<const logged_event> events);
// Forgets the community's events at or before `pos`.
void forget_up_to(db::transaction& tx, std::int64_t community_id, std::int64_t pos);
// The community's last position; 0 before its first event.
std::int64_t last_pos(db::session& s, std::int64_t community_id);
// Every community's last position.
std::vector<std::pair<std::int64_t, std::int64_t>> last_positions(db::session& s);
// Events after `pos`, oldest first, at most `limit`.
std::vector<logged_event> events_after(db::session& s, std::int64_t community_id, std::int64_t pos,
                                       std::int64_t limit);

}  // namespace ps::realtime::log_store
