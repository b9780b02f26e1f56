#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "files/model.hpp"

namespace ps::chat {

// The kinds of room (channels.kind): a chat, a board of posts (board/), a broadcast, and the
// conversations only their participants see (conversations/): two people, or a private group.
inline constexpr std::string_view chat_kind = "chat";
inline constexpr std::string_view board_kind = "board";
inline constexpr std::string_view broadcast_kind = "broadcast";  // only hosts post (broadcast/)
inline constexpr std::string_view direct_kind = "direct";
inline constexpr std::string_view group_kind = "group";

// A chat channel, with the reader's own position in it when listed for someone.
struct channel {
  std::int64_t id = 0;
  std::int64_t community_id = 0;
  std::string name;
  std::string kind = "chat";
  std::string visibility = "community";  // or "participants" (access/policy.hpp)
  std::optional<millis> archived_at;
  std::int64_t last_seq = 0;
  millis created_at = 0;
  std::int64_t last_read_seq = 0;  // the reader's
  std::int64_t unread = 0;         // the reader's: others' messages after last_read_seq (capped)
};

struct reaction {
  std::string emoji;
  std::vector<std::int64_t> account_ids;  // in the order they reacted
};

// A chat message. Deleted messages keep their id and seq so that history has no holes.
struct message {
  std::int64_t id = 0;
  std::int64_t seq = 0;
  std::int64_t channel_id = 0;
  std::int64_t author_id = 0;
  std::string author_name;
  std::string body;
  std::string html;
  std::optional<std::int64_t> parent_id;
  std::optional<std::string> client_id;
  std::int64_t reply_count = 0;
  millis created_at = 0;
  std::optional<millis> edited_at;
  std::optional<millis> deleted_at;
  std::vector<reaction> reactions;
  std::vector<files::file_info> files = {};  // attached, in their order (none once deleted)
};

inline constexpr std::int64_t unread_cap = 1000;

nlohmann::json to_json(const channel& c);
// For events: without the per-reader fields.
nlohmann::json to_shared_json(const channel& c);
// Messages are written as JSON text directly (core/json_writer.hpp): a history page holds
// up to 200 of them and every message event carries one.
void append_json(std::string& out, const message& m);
std::string to_json_text(const message& m);
// {"<key>":[m, …]}
std::string message_list_json(std::string_view key, const std::vector<message>& messages);
// {"type":…,"community_id":…,"pos":…,"channel_id":…,"seq":…,"message":{…}} for message.created
// and message.edited; community_id and pos are the event's place in the log.
std::string message_event_json(std::string_view type, std::int64_t community_id, std::int64_t pos,
                               const message& m);

}  // namespace ps::chat
