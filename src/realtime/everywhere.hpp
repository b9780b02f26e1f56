#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "db/database.hpp"
#include "realtime/hub.hpp"

// What changes who receives what on live connections, done on every node that shares the
// database: on this one once the transaction commits, and on the others when its announcement
// reaches them (in commit order, after the events of the same transaction). With one node,
// just the first.
namespace ps::realtime::everywhere {

void join(db::transaction& tx, hub& h, std::int64_t account_id, std::int64_t community_id);
void leave(db::transaction& tx, hub& h, std::int64_t account_id, std::int64_t community_id);
void reconnect_account_streams(db::transaction& tx, hub& h, std::int64_t account_id);
void end_session(db::transaction& tx, hub& h, std::int64_t account_id, std::int64_t session_id);
void end_token(db::transaction& tx, hub& h, std::int64_t account_id, std::int64_t token_id);
void end_account_streams(db::transaction& tx, hub& h, std::int64_t account_id,
                         std::optional<std::int64_t> keep_session);
void end_sessions_except(db::transaction& tx, hub& h, std::int64_t account_id,
                         std::optional<std::int64_t> keep_session);

// Does on this node's hub what another node announced with one of the above ("a …").
// False when the message is not one of them or is malformed.
bool apply(hub& h, std::string_view message);

}  // namespace ps::realtime::everywhere
