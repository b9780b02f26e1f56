#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.hpp"
#include "chat/model.hpp"
#include "db/database.hpp"
#include "mentions/markup.hpp"
#include "notifications/model.hpp"

// Who is told of something just written, decided inside its writing transaction: the rows and
// the events commit with the change or not at all, and each person is told of an item once.
// Chat (messages, replies, conversations, broadcasts), the board (posts, comments) and the
// poll closer call notify(); deleting an item calls forget().
namespace ps::notifications {

struct written {
  const chat::channel* room = nullptr;
  std::string_view item_kind;  // "message", "post", "comment", "poll"
  std::int64_t item_id = 0;
  std::optional<std::int64_t> actor_id;  // who wrote it (never told of their own)
  std::string actor_name;
  std::string excerpt;  // plain text (plain_excerpt)
  mentions::found mentioned;
  std::optional<std::int64_t> thread_parent;  // a reply: the thread's first message
  bool new_in_room = false;  // a new message (not a reply): conversations, broadcasts, "all"
  // Those it is addressed to, and as what: a post's author and the comment answered (comment),
  // a poll's voters (poll_closed).
  std::vector<std::int64_t> addressed;
  std::string_view addressed_as;
  std::optional<std::int64_t> seq, parent_id, post_id;  // where to open it
};

// What several notify() calls in one transaction (a batch of posts) look up only once.
struct lookups {
  std::map<std::int64_t, std::map<std::int64_t, level>> levels;  // room -> account -> choice
  std::map<std::int64_t, std::set<std::int64_t>> members;        // community -> accounts
  std::map<std::int64_t, std::set<std::int64_t>> muted;          // room -> accounts
};

// Above this many people told of one item at once (a broadcast to a large community), one
// event tells the room's audience to look again instead of one event each: the log keeps
// retained_events per community, which ten thousand events of one post would fill.
inline constexpr std::size_t max_events_per_item = 50;

void notify(app& app, db::transaction& tx, const written& w, millis at, lookups& known);
void notify(app& app, db::transaction& tx, const written& w, millis at);
void forget(db::transaction& tx, std::string_view item_kind, std::int64_t item_id);
// Who voted in a poll (told when it closes).
std::vector<std::int64_t> voters_of(db::session& s, std::int64_t poll_id);

}  // namespace ps::notifications
