#include "accounts/auth.hpp"

#include "accounts/credential_cache.hpp"
#include "accounts/store.hpp"
#include "core/secrets.hpp"
#include "db/database.hpp"

namespace ps::accounts {

namespace {

// Last uses are remembered to the minute, off the request's path: a script polling every second,
// or a page open all day, should not cost a write per request. The write waits for nobody
// (write_later), so a last use seen within the minute after it may still be the one before.
bool due_for_touch(const std::optional<millis>& last_used_at, millis now) {
  return !last_used_at || *last_used_at < now - 60'000;
}

// The credential's owner: from the node's cache when it has one (PostgreSQL) and remembers it,
// else from the database.
template <class Look_up>
std::optional<store::credential_owner> owner_of(app& app, const std::string& key, millis now,
                                                Look_up look_up) {
  if (!app.credentials) return app.db.read(look_up);
  if (auto known = app.credentials->find(key, now)) return known;
  const auto ticket = app.credentials->ticket();
  auto owner = app.db.read(look_up);
  if (owner) app.credentials->remember(key, *owner, now, ticket);
  return owner;
}

}  // namespace

std::optional<caller> authenticate(app& app, const http::request& req) {
  const std::string_view authorization = req.header("authorization");
  const millis now = app.clock.now();
  if (authorization.starts_with("Bearer ") || authorization.starts_with("bearer ")) {
    const std::string digest = secrets::token_digest(std::string(authorization.substr(7)));
    const std::string key = "token " + digest;
    auto owner =
        owner_of(app, key, now, [&](db::session& s) { return store::live_token(s, digest); });
    if (!owner) return std::nullopt;
    if (due_for_touch(owner->last_used_at, now)) {
      if (app.credentials) app.credentials->touched(key, now);
      app.db.write_later([id = owner->credential_id, now](db::transaction& tx) {
        store::touch_token(tx, id, now);
      });
    }
    return caller{owner->account_id, owner->lang, std::nullopt, owner->credential_id};
  }
  auto cookie = req.cookie(session_cookie);
  if (!cookie || cookie->empty()) return std::nullopt;
  const std::string digest = secrets::token_digest(*cookie);
  const std::string key = "session " + digest;
  auto owner =
      owner_of(app, key, now, [&](db::session& s) { return store::live_session(s, digest); });
  if (!owner) return std::nullopt;
  if (due_for_touch(owner->last_used_at, now)) {
    if (app.credentials) app.credentials->touched(key, now);
    app.db.write_later([id = owner->credential_id, now](db::transaction& tx) {
      store::touch_session(tx, id, now);
    });
  }
  return caller{owner->account_id, owner->lang, owner->credential_id, std::nullopt};
}

namespace {
std::string secure_suffix(const config& cfg) {
  return cfg.public_url.starts_with("https://") ? "; Secure" : "";
}
}  // namespace

std::string session_cookie_header(const std::string& token, const config& cfg) {
  return std::string(session_cookie) + "=" + token +
         "; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000" + secure_suffix(cfg);
}

std::string clear_session_cookie_header(const config& cfg) {
  return std::string(session_cookie) + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" +
         secure_suffix(cfg);
}

}  // namespace ps::accounts
