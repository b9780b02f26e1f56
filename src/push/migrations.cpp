#include "push/migrations.hpp"

namespace ps::push {
namespace {

// push_subscriptions: one row per browser that subscribed (its endpoint is unique: a browser
// that subscribes again, or passes to another account on the same device, replaces its row).
// It lives as long as the session or token that made it: a session ended elsewhere (a lost
// phone) stops that browser's pushes at once.
// server_keys: keys the server makes once and every node shares (the VAPID key pair, as PEM).
// presence: until when a member counts as active in the app, as each node last saw them on its
// own connections (written every few seconds, push/presence.hpp); active on any node is active.
constexpr std::string_view push_schema = R"sql(
CREATE TABLE push_subscriptions (
  id {{id}},
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  session_id BIGINT REFERENCES sessions(id) ON DELETE CASCADE,
  token_id BIGINT REFERENCES personal_tokens(id) ON DELETE CASCADE,
  endpoint TEXT NOT NULL UNIQUE,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_sent_at BIGINT
);
CREATE INDEX push_subscriptions_account ON push_subscriptions(account_id);
CREATE TABLE server_keys (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE presence (
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  node TEXT NOT NULL,
  active_until BIGINT NOT NULL,
  PRIMARY KEY (account_id, node)
);
)sql";

constexpr db::migration steps[] = {
    {17, "push: browsers subscribed to Web Push, the server's keys, who is in the app",
     push_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::push
