#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "chat/model.hpp"
#include "conversations/store.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"

// Direct conversations and private groups (the small Messenger group): chat rooms of kind
// "direct" (two people) or "group" (up to max_group_size chosen members of one community) that
// only their participants see — not the hosts, not the owner. Everything chat does works in
// them (messages, threads, reactions, read markers, the stream and resume), through the access
// policy's rule for rooms with participants.
namespace ps::conversations {

using chat::direct_kind;
using chat::group_kind;
inline constexpr std::size_t max_group_size = 50;  // participants, the one who starts it included
inline constexpr std::size_t max_group_name = 80;

struct conversation {
  chat::channel room;  // with the reader's last_read_seq and unread
  std::vector<store::person> participants;
  millis last_activity = 0;
};

struct started {
  conversation c;
  bool created = false;  // false: that direct conversation existed already (200, not 201)
};

// With one other member: their direct conversation (the same one every time). With several: a
// new group. Refused when the hosts turned direct messages off, when someone is not a current
// member, or takes messages only from people they have talked with.
result<started> start_conversation(app& app, const caller& who, const std::string& slug,
                                   const std::vector<std::int64_t>& member_ids,
                                   const std::optional<std::string>& name);
// The direct conversation of two members of the community, opened (or reopened for whoever of
// them had left it) inside the caller's transaction. No rule is checked here: the caller has
// decided they may talk (start_conversation, or a host answering an answer to a prompt).
std::int64_t open_direct_within(app& app, db::transaction& tx, std::int64_t community_id,
                                std::int64_t from, std::int64_t to);
// The caller's conversations in the community, the latest message first.
result<std::vector<conversation>> list_conversations(app& app, const caller& who,
                                                     const std::string& slug);
// A participant adds members to a group: they see its whole history.
result<conversation> add_participants(app& app, const caller& who, std::int64_t channel_id,
                                      const std::vector<std::int64_t>& member_ids);
// The caller leaves a group, or a direct conversation: no access from now on, live connections
// included.
outcome leave_conversation(app& app, const caller& who, std::int64_t channel_id);

struct settings {
  bool direct_messages = true;   // the community's, set by its hosts
  bool from_known_only = false;  // the caller's own
};
result<settings> settings_of(app& app, const caller& who, const std::string& slug);
result<settings> change_settings(app& app, const caller& who, const std::string& slug,
                                 std::optional<bool> direct_messages,
                                 std::optional<bool> from_known_only);

}  // namespace ps::conversations
