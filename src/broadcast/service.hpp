#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "broadcast/model.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"

// Polls in a broadcast (a channel of kind "broadcast", where only hosts post: chat refuses a
// member's message with hosts_only_room). A poll is posted as a message of the room (its
// question), so it takes its place in the feed, the history and resume like any post.
namespace ps::broadcast {

struct new_poll {
  std::string question;
  std::vector<std::string> options;
  bool multiple = false;
  bool anonymous = true;
  // RFC 3339 with an offset ("2026-12-03T20:00:00-05:00"), or a wall-clock time in the
  // community's time zone ("2026-12-03T20:00"), daylight saving handled. In the future.
  std::optional<std::string> closes_at;
};

struct shown {
  poll p;
  view v;
};

inline constexpr std::size_t max_listed_polls = 100;

result<shown> create_poll(app& app, const caller& who, std::int64_t channel_id,
                          const new_poll& input);
result<shown> get_poll(app& app, const caller& who, std::int64_t poll_id);
// The room's latest polls, for a client that shows them with their messages.
result<std::vector<shown>> list_polls(app& app, const caller& who, std::int64_t channel_id);
// Replaces the caller's choices: one option on a single-choice poll, one or more otherwise,
// until it closes.
result<shown> vote(app& app, const caller& who, std::int64_t poll_id,
                   const std::vector<std::int64_t>& option_ids);

// A member mutes (or unmutes) a room they may see — a broadcast, mostly, though any room may be:
// only their own devices hear of it (channel.muted, channel.unmuted).
outcome set_muted(app& app, const caller& who, std::int64_t channel_id, bool muted);
// The rooms of the community the caller muted (those they may still see).
result<std::vector<std::int64_t>> muted_rooms(app& app, const caller& who, const std::string& slug);

// Logs poll.closed for each poll whose closing time has come and is not announced yet (once
// in all, whichever node does it); returns how many. Called by the closer, and at start.
int announce_closed(app& app);

}  // namespace ps::broadcast
