#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "access/policy.hpp"
#include "app/app.hpp"
#include "chat/model.hpp"
#include "core/caller.hpp"
#include "core/continuation.hpp"
#include "core/result.hpp"
#include "db/database.hpp"

// The rules of chat: channels, messages, threads, reactions, read markers. Every write logs its
// event (realtime/event_log.hpp) and publishes it after commit to whoever may see the room.
namespace ps::chat {

inline constexpr std::size_t max_body_length = 4000;  // Unicode code points
inline constexpr std::size_t max_client_id_length = 64;
inline constexpr int max_page = 200;
// Distinct emoji one member may put on one message.
inline constexpr std::size_t max_reactions_per_member = 20;

struct new_message {
  std::string body;
  std::optional<std::int64_t> parent_id;
  std::optional<std::string> client_id;
  // Uploads of the author's, not yet attached, in the room's community (files/service.hpp);
  // with at least one, the body may be empty.
  std::vector<std::int64_t> file_ids = {};
};

struct page_request {
  std::optional<std::int64_t> before;
  std::optional<std::int64_t> after;
  int limit = 50;
};

struct thread {
  message parent;
  std::vector<message> replies;
};

using access::channel_ref;

// A room only the participants named at its creation see: accepted only when the server runs
// with test_room_kinds, to test the access policy until private rooms exist.
inline constexpr std::string_view test_private_kind = "test_private";
inline constexpr std::size_t max_participants = 1000;

result<channel> create_channel(app& app, const caller& who, const std::string& slug,
                               const std::string& name, const std::string& kind,
                               const std::vector<std::int64_t>& participants = {});
result<std::vector<channel>> list_channels(app& app, const caller& who, const std::string& slug);
result<channel> update_channel(app& app, const caller& who, std::int64_t channel_id,
                               const std::optional<std::string>& name,
                               const std::optional<bool>& archived);

// A retried post with the same client_id returns the first message and writes nothing.
result<message> post_message(app& app, const caller& who, std::int64_t channel_id,
                             const new_message& input);
// The same, without waiting: `done` gets the message (or the error) once the commit is durable,
// on the thread continue_on hands it to (the SQLite writer's when empty), or at once when the
// input is refused before any write.
void post_message_then(app& app, const caller& who, std::int64_t channel_id,
                       const new_message& input, std::function<void(result<message>)> done,
                       continuation continue_on = {});
// The latest page, as the JSON body of GET /channels/{id}/messages, from the history cache when
// its copy is current.
result<std::string> latest_page_json(app& app, const caller& who, std::int64_t channel_id,
                                     int limit);
// For a capability whose post is also a message of its room (a broadcast's poll): checks and
// renders `input`, then writes it as post_message does, inside the caller's transaction (the
// message and what goes with it commit together, or not at all).
result<message> post_within(app& app, db::transaction& tx, const caller& who,
                            std::int64_t channel_id, const new_message& input);

result<std::vector<message>> history(app& app, const caller& who, std::int64_t channel_id,
                                     const page_request& page);
result<thread> thread_of(app& app, const caller& who, std::int64_t message_id);
result<message> edit_message(app& app, const caller& who, std::int64_t message_id,
                             const std::string& body);
outcome delete_message(app& app, const caller& who, std::int64_t message_id);
// `emoji` must be one RGI emoji (stored fully qualified, see core/emoji.hpp); adding a 21st
// distinct one to a message is refused (limit_reached), adding one again changes nothing.
result<message> react(app& app, const caller& who, std::int64_t message_id,
                      const std::string& emoji, bool add);
result<channel> mark_read(app& app, const caller& who, std::int64_t channel_id, std::int64_t seq);

// What a resuming connection missed in one channel: messages after `seq`, oldest first.
result<std::vector<message>> missed_messages(app& app, const caller& who, std::int64_t channel_id,
                                             std::int64_t seq, int limit);

}  // namespace ps::chat
