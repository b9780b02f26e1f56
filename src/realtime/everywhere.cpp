#include "realtime/everywhere.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "realtime/announcement.hpp"

namespace ps::realtime::everywhere {
namespace {

constexpr std::int64_t none = -1;  // an absent keep_session, in a message

// "a OP ACCOUNT ARG"
void both(db::transaction& tx, std::string_view op, std::int64_t account, std::int64_t arg,
          std::function<void()> here) {
  tx.after_commit(std::move(here));
  tx.announce(fmt::format("a {} {} {}", op, account, arg));
}

std::optional<std::int64_t> kept(std::int64_t n) {
  return n == none ? std::nullopt : std::optional<std::int64_t>(n);
}

}  // namespace

void join(db::transaction& tx, hub& h, std::int64_t account_id, std::int64_t community_id) {
  both(tx, "join", account_id, community_id,
       [&h, account_id, community_id] { h.join(account_id, community_id); });
}

void leave(db::transaction& tx, hub& h, std::int64_t account_id, std::int64_t community_id) {
  both(tx, "leave", account_id, community_id,
       [&h, account_id, community_id] { h.leave(account_id, community_id); });
}

void reconnect_account_streams(db::transaction& tx, hub& h, std::int64_t account_id) {
  both(tx, "reconnect", account_id, 0,
       [&h, account_id] { h.reconnect_account_streams(account_id); });
}

void end_session(db::transaction& tx, hub& h, std::int64_t account_id, std::int64_t session_id) {
  both(tx, "end_session", account_id, session_id,
       [&h, account_id, session_id] { h.end_session(account_id, session_id); });
}

void end_token(db::transaction& tx, hub& h, std::int64_t account_id, std::int64_t token_id) {
  both(tx, "end_token", account_id, token_id,
       [&h, account_id, token_id] { h.end_token(account_id, token_id); });
}

void end_account_streams(db::transaction& tx, hub& h, std::int64_t account_id,
                         std::optional<std::int64_t> keep_session) {
  both(tx, "end_account", account_id, keep_session.value_or(none),
       [&h, account_id, keep_session] { h.end_account_streams(account_id, keep_session); });
}

void end_sessions_except(db::transaction& tx, hub& h, std::int64_t account_id,
                         std::optional<std::int64_t> keep_session) {
  both(tx, "end_except", account_id, keep_session.value_or(none),
       [&h, account_id, keep_session] { h.end_sessions_except(account_id, keep_session); });
}

bool apply(hub& h, std::string_view message) {
  const auto w = announcement::split(message, 3);  // a OP ACCOUNT ARG
  if (w.size() != 4 || w[0] != "a") return false;
  const auto account = announcement::number(w[2]), arg = announcement::number(w[3]);
  if (!account || !arg) return false;
  const std::string_view op = w[1];
  if (op == "join")
    h.join(*account, *arg);
  else if (op == "leave")
    h.leave(*account, *arg);
  else if (op == "reconnect")
    h.reconnect_account_streams(*account);
  else if (op == "end_session")
    h.end_session(*account, *arg);
  else if (op == "end_token")
    h.end_token(*account, *arg);
  else if (op == "end_account")
    h.end_account_streams(*account, kept(*arg));
  else if (op == "end_except")
    h.end_sessions_except(*account, kept(*arg));
  else
    return false;
  return true;
}

}  // namespace ps::realtime::everywhere
