#pragma once
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"

// The SQL of accounts/shared_throttle.hpp: one row per counted attempt.
namespace ps::accounts::throttle_store {

// The key's attempts after `since`, oldest first, at most the `limit` most recent.
std::vector<millis> recent(db::session& s, const std::string& key, millis since, int limit);
void add(db::transaction& tx, const std::string& key, millis at);
// Forgets the key's attempts at or before `until` (all of them without a bound).
void forget(db::transaction& tx, const std::string& key, millis until);
void forget_all(db::transaction& tx, const std::string& key);

}  // namespace ps::accounts::throttle_store
