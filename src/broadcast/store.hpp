#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broadcast/model.hpp"
#include "db/database.hpp"

// The SQL of polls. Facts only; who may see or vote is decided in service.cpp.
namespace ps::broadcast::store {

std::int64_t insert_poll(db::transaction& tx, const poll& p, std::int64_t created_by);
void insert_option(db::transaction& tx, std::int64_t poll_id, std::int64_t position,
                   const std::string& text);
// With its options, their counts and voters, and how many people voted.
std::optional<poll> poll_by_id(db::session& s, std::int64_t id);
// The room's latest polls, newest first, each as poll_by_id() reads it: in three queries however
// many there are (not three per poll).
std::vector<poll> polls_of(db::session& s, std::int64_t channel_id, std::size_t limit);
// The voter's ballot row, taken (and locked) first in a vote's transaction.
void take_ballot(db::transaction& tx, std::int64_t poll_id, std::int64_t account_id, millis now);
void replace_choices(db::transaction& tx, std::int64_t poll_id, std::int64_t account_id,
                     const std::vector<std::int64_t>& option_ids);

struct due {
  std::int64_t poll_id = 0;
  millis closes_at = 0;
};
// The next poll whose closing is not announced yet.
std::optional<due> next_closing(db::session& s);
// True for the one writer that marks it (once, whichever node).
bool mark_closing_announced(db::transaction& tx, std::int64_t poll_id);

// True when it changed something.
bool set_muted(db::transaction& tx, std::int64_t channel_id, std::int64_t account_id, bool muted,
               millis now);
bool is_muted(db::session& s, std::int64_t channel_id, std::int64_t account_id);
std::vector<std::int64_t> muted_rooms(db::session& s, std::int64_t community_id,
                                      std::int64_t account_id);

}  // namespace ps::broadcast::store
