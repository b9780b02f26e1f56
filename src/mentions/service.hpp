#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "access/refs.hpp"
#include "app/app.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"
#include "db/database.hpp"
#include "mentions/markup.hpp"

// Mentions of members by id (`<@42>` in a body), and @everyone / @here from hosts: checked
// against the room (whoever is mentioned must be able to see it), marked up in the stored HTML,
// and recorded for notifications. Chat, the board and conversations call these inside their
// writing transactions; the autocomplete is GET /channels/{id}/mentionable.
namespace ps::mentions {

// The items a mention is in (mentions.item_kind).
inline constexpr std::string_view in_message = "message";
inline constexpr std::string_view in_post = "post";
inline constexpr std::string_view in_comment = "comment";
// Distinct members one message, post or comment may mention.
inline constexpr std::size_t max_members_per_item = 20;

struct resolved {
  std::string html;  // marked up
  found of;          // everyone and here only when a host wrote them
};
// Checks the mentions of `rendered` (markdown::render_markdown's output) for a text the caller
// writes in `room`: 422 invalid_field "body" for more than max_members_per_item members, 422
// mention_not_in_room for someone who may not see the room (not a member any more, or not one
// of a conversation's participants). @everyone and @here from someone who is not a host stay
// plain text and call no one, as in Discord.
result<resolved> resolve(db::session& s, const access::channel_ref& room,
                         std::string_view rendered);
// Writes who `r` calls, for the item; replace() first forgets what an earlier text called.
void record(db::transaction& tx, std::string_view item_kind, std::int64_t item_id,
            const access::channel_ref& room, std::int64_t author_id, const found& f, millis at);
void replace(db::transaction& tx, std::string_view item_kind, std::int64_t item_id,
             const access::channel_ref& room, std::int64_t author_id, const found& f, millis at);
void forget(db::transaction& tx, std::string_view item_kind, std::int64_t item_id);

// The autocomplete: who the caller may mention in the room, best first for what they typed after
// '@' (accents and case ignored; a first name that starts with it, then any other part of the
// name that does, then the names that hold it), and whether @everyone and @here are offered
// (hosts only).
struct suggestion {
  std::int64_t account_id = 0;
  std::string display_name;
};
struct suggestions {
  std::vector<suggestion> members;
  bool everyone = false;
  bool here = false;
};
inline constexpr int max_suggestions = 25;
result<suggestions> mentionable(app& app, const caller& who, std::int64_t channel_id,
                                std::string_view typed, int limit);

}  // namespace ps::mentions
