#include "accounts/throttle_store.hpp"

#include <algorithm>

namespace ps::accounts::throttle_store {

std::vector<millis> recent(db::session& s, const std::string& key, millis since, int limit) {
  std::vector<millis> out;
  for (auto& r : s.query("SELECT at FROM rate_events WHERE key = $1 AND at > $2 ORDER BY at DESC "
                         "LIMIT $3",
                         key, since, limit))
    out.push_back(r.integer(0));
  std::reverse(out.begin(), out.end());
  return out;
}

void add(db::transaction& tx, const std::string& key, millis at) {
  tx.execute("INSERT INTO rate_events (key, at) VALUES ($1, $2)", key, at);
}

void forget(db::transaction& tx, const std::string& key, millis until) {
  tx.execute("DELETE FROM rate_events WHERE key = $1 AND at <= $2", key, until);
}

void forget_all(db::transaction& tx, const std::string& key) {
  tx.execute("DELETE FROM rate_events WHERE key = $1", key);
}

}  // namespace ps::accounts::throttle_store
