#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "app/app.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"
#include "push/crypto.hpp"
#include "push/store.hpp"

// Web Push subscriptions (RFC 8030) and the server's VAPID key pair (RFC 8292).
namespace ps::push {

// The key pair the server signs its pushes with, made on the first start and shared by every
// node through the database: a browser's subscription names the public key, and a new key
// would silence every subscribed phone.
struct vapid_keys {
  p256_key key;
  std::string public_key;  // base64url of the uncompressed point, what applicationServerKey takes
};
vapid_keys load_or_make_keys(db::database& db, const clock& clock);

inline constexpr std::size_t max_endpoint_bytes = 2048;
// A person's browsers and devices; subscribing one more forgets the oldest.
inline constexpr int max_subscriptions_per_account = 10;

// Whether `endpoint` is one the server will post to: https:// (or, when `allow_loopback`, a
// plain http:// address on this machine, for tests), a host that is a name or a public
// address. Nothing when it is; what is wrong otherwise.
std::optional<std::string> endpoint_problem(std::string_view endpoint, bool allow_loopback);

// POST /push/subscriptions with PushSubscription.toJSON(): {endpoint, keys:{p256dh, auth}}.
result<store::subscription> subscribe(app& app, const caller& who, const nlohmann::json& body);
// DELETE /push/subscriptions?endpoint=…; true when there was one.
result<bool> unsubscribe(app& app, const caller& who, const std::string& endpoint);

}  // namespace ps::push
