#pragma once
// What chat/service.cpp and chat/posting.cpp share: the checks of a message's text and the way
// a change is logged and published. Internal to chat/.
#include <optional>
#include <string>

#include "access/policy.hpp"
#include "app/app.hpp"
#include "chat/history_cache.hpp"
#include "chat/model.hpp"
#include "core/result.hpp"
#include "db/database.hpp"
#include "realtime/event_log.hpp"

namespace ps::chat {

// The trimmed body, or why it is refused.
result<std::string> check_body(const std::string& raw);
// The same for a message that carries files, which may say nothing else (an empty body).
result<std::string> check_body_beside_files(const std::string& raw);

// Logs one event of a room, in the writing transaction; its frame goes out after the commit.
realtime::logged_event log_event(const channel& room, std::string type,
                                 std::optional<std::int64_t> subject, millis now);

// Writes the event and hands its frame (built by `text` once the position is known) to whoever
// may see the room, after the commit.
template <class TextOf>
void record(app& app, db::transaction& tx, const channel& room, realtime::logged_event e,
            TextOf text, std::int64_t seq = 0) {
  realtime::append(tx, e);
  realtime::publish_after_commit(tx, app.hub, access::audience_of(tx, room),
                                 realtime::logged_frame(text(e), e, seq));
}

// After the commit of a change to one channel's messages, before anyone is told of it: the
// cached copy of its latest page is stale.
inline void messages_changed(app& app, db::transaction& tx, std::int64_t channel_id) {
  tx.after_commit([&app, channel_id] { app.history.channel_changed(channel_id); });
}

}  // namespace ps::chat
