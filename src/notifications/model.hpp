#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace ps::notifications {

// What a member is told of (notifications.kind).
inline constexpr std::string_view for_mention = "mention";
inline constexpr std::string_view for_reply = "reply";      // in a thread they wrote in
inline constexpr std::string_view for_comment = "comment";  // on their post, or to their comment
inline constexpr std::string_view for_broadcast = "broadcast";
inline constexpr std::string_view for_direct = "direct";    // a message in their conversation
inline constexpr std::string_view for_message = "message";  // a room they follow ("all")
inline constexpr std::string_view for_poll_closed = "poll_closed";

// A member's choice for a room (notification_levels.level).
enum class level { all, mentions, nothing };
std::string_view level_name(level l);
std::optional<level> parse_level(std::string_view name);
// Without a choice: a conversation or a broadcast tells of everything; a chat room or a board
// of what is the member's own (mentions, replies, comments on their posts).
level default_level(std::string_view room_kind);
// Whether a notification of `kind` reaches a member at `l`: "mentions" keeps what is addressed
// to them (a mention, a reply, a comment, a poll they voted in), "nothing" keeps nothing.
bool passes(level l, std::string_view kind);

// One notification as its owner lists it.
struct notification {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  std::int64_t community_id = 0;
  std::string community_slug;
  std::string community_name;
  std::int64_t channel_id = 0;
  std::string channel_name;
  std::string channel_kind;
  std::string kind;
  std::string item_kind;  // "message", "post", "comment", "poll"
  std::int64_t item_id = 0;
  // Where to open it: a message's place (and its thread), a post.
  std::optional<std::int64_t> seq, parent_id, post_id;
  std::optional<std::int64_t> actor_id;
  std::string actor_name;
  std::string excerpt;  // plain text, at most excerpt_length code points
  millis created_at = 0;
  std::optional<millis> read_at;
};
inline constexpr std::size_t excerpt_length = 140;

// {"id","kind","read","created_at","community":{id,slug,name},"channel":{id,name,kind},
//  "item":{kind,id,seq?,parent_id?,post_id?},"actor":{id,display_name}|null,"excerpt"}
std::string to_json(const notification& n);

// The plain text of rendered HTML, for an excerpt: tags dropped, the few entities the renderer
// writes decoded, white space made single spaces, cut at `limit` code points (with "…").
std::string plain_excerpt(std::string_view html, std::size_t limit = excerpt_length);

}  // namespace ps::notifications
