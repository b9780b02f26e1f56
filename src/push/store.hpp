#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"

// The SQL of push.
namespace ps::push::store {

struct subscription {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  std::optional<std::int64_t> session_id, token_id;  // what made it: it ends with them
  std::string endpoint;
  std::string p256dh;  // base64url, as the browser gave it
  std::string auth;
  millis created_at = 0;
};

// Adds a browser's subscription, or replaces the one with the same endpoint (a browser
// subscribing again, or another account logging in on it); returns its id.
std::int64_t save(db::transaction& tx, const subscription& sub);
bool remove(db::transaction& tx, std::int64_t account_id, const std::string& endpoint);
void drop(db::transaction& tx, std::int64_t id);  // the push service said it is gone
void mark_sent(db::transaction& tx, std::int64_t id, millis at);
// An account's subscriptions whose session or token is still live.
std::vector<subscription> of_account(db::session& s, std::int64_t account_id);
// Keeps the newest `keep` of an account's subscriptions; returns how many were removed.
std::int64_t keep_newest(db::transaction& tx, std::int64_t account_id, int keep);

// A key made once for every node: the first node's insert wins, the others read it back.
std::optional<std::string> key_named(db::session& s, const std::string& name);
void insert_key_if_absent(db::transaction& tx, const std::string& name, const std::string& value,
                          millis at);

// Presence, as every node writes it for its own connections.
void mark_active(db::transaction& tx, const std::string& node,
                 std::span<const std::int64_t> accounts, millis until);
void mark_inactive(db::transaction& tx, const std::string& node,
                   std::span<const std::int64_t> accounts, millis at);
bool active(db::session& s, std::int64_t account_id, millis now);
// Everyone active on some node now (for @here).
std::set<std::int64_t> active_accounts(db::session& s, millis now);

}  // namespace ps::push::store
