#include "accounts/shared_throttle.hpp"

#include <algorithm>

#include "accounts/throttle_store.hpp"
#include "db/database.hpp"

namespace ps::accounts {
namespace {

std::string key_of(const rate_check& check) {
  std::string key(check.limit.name);
  key += ' ';
  key += check.key;
  return key;
}

millis longest_wait(db::session& s, std::span<const rate_check> checks, millis now) {
  millis wait = 0;
  for (const rate_check& check : checks) {
    const auto recent = throttle_store::recent(s, key_of(check), now - check.limit.window,
                                               std::max(check.limit.events, 1));
    wait = std::max(wait, wait_for_room(check.limit, recent, now));
  }
  return wait;
}

void count(db::transaction& tx, std::span<const rate_check> checks, millis now) {
  for (const rate_check& check : checks) {
    const std::string key = key_of(check);
    throttle_store::forget(tx, key, now - check.limit.window);  // what left the window
    throttle_store::add(tx, key, now);
  }
}

}  // namespace

int shared_throttle::retry_after(std::span<const rate_check> checks) {
  const millis now = clock_.now();
  return whole_seconds(db_.read([&](db::session& s) { return longest_wait(s, checks, now); }));
}

void shared_throttle::record(std::span<const rate_check> checks) {
  const millis now = clock_.now();
  db_.write([&](db::transaction& tx) { count(tx, checks, now); });
}

int shared_throttle::acquire(std::span<const rate_check> checks) {
  const millis now = clock_.now();
  // Checked and counted in one write: one node's writer runs them one at a time. Two nodes may
  // both take the last place at the same instant, as two failed log-ins counted after the fact
  // may on one node.
  return whole_seconds(db_.write([&](db::transaction& tx) {
    const millis wait = longest_wait(tx, checks, now);
    if (wait <= 0) count(tx, checks, now);
    return wait;
  }));
}

void shared_throttle::forget(const rate_check& check) {
  db_.write([&](db::transaction& tx) { throttle_store::forget_all(tx, key_of(check)); });
}

}  // namespace ps::accounts
