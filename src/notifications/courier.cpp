#include "notifications/courier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "access/policy.hpp"
#include "accounts/store.hpp"
#include "core/instants.hpp"
#include "notifications/outside_texts.hpp"
#include "notifications/store.hpp"
#include "push/crypto.hpp"
#include "push/presence.hpp"
#include "push/sender.hpp"
#include "push/service.hpp"
#include "push/store.hpp"

namespace ps::notifications {

namespace {

// How long a push service may keep a push for a phone that is off: a day, then it is old news.
constexpr int push_ttl_seconds = 24 * 3600;
// A VAPID token is valid for at most 24 hours (RFC 8292 §2); half a day is plenty.
constexpr millis vapid_lifetime_ms = 12 * 3600 * 1000;

// RFC 8292's "sub": how a push service reaches the operator. The sender's email address, as
// push services ask for a mailto: or https: contact.
std::string contact_of(const config& cfg) {
  const std::string& from = cfg.mail_from;
  const auto open = from.find('<');
  const auto close = from.find('>', open == std::string::npos ? 0 : open);
  if (open != std::string::npos && close != std::string::npos)
    return "mailto:" + from.substr(open + 1, close - open - 1);
  if (from.find('@') != std::string::npos) return "mailto:" + from;
  return cfg.public_url;
}

// The endpoint's origin: the "aud" a push service checks.
std::string origin_of(const std::string& endpoint) {
  const auto scheme = endpoint.find("://");
  if (scheme == std::string::npos) return endpoint;
  const auto path = endpoint.find('/', scheme + 3);
  return path == std::string::npos ? endpoint : endpoint.substr(0, path);
}

millis retry_delay(int attempts) {
  return 30'000LL << (2 * std::min(attempts, 4));  // 30 s, 2 min, 8 min, 32 min
}

struct prepared {
  std::int64_t notification_id = 0;
  int attempts = 0;
  std::int64_t subscription_id = 0;
};

}  // namespace

courier::courier(app& a, std::string node) : app_(a), node_(std::move(node)) {}

courier::~courier() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void courier::start() {
  thread_ = std::thread([this] { run(); });
}

void courier::run() {
  for (;;) {
    try {
      write_presence();
      const millis now = app_.clock.now();
      if (app_.db.read([&](db::session& s) { return store::any_due(s, now); })) {
        // A broadcast to a large community makes thousands at once: a few batches per round.
        for (int i = 0; i < 10 && deliver_pushes() >= batch; ++i) {
        }
        send_emails();
      }
    } catch (const std::exception& e) {
      spdlog::warn("notifications: courier round failed, trying again: {}", e.what());
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, std::chrono::milliseconds(round_ms), [&] { return stopping_; }))
      return;
  }
}

void courier::write_presence() {
  if (!app_.presence) return;
  const millis now = app_.clock.now();
  if (presence_written_at_ && now - presence_written_at_ < presence_every_ms) return;
  presence_written_at_ = now;
  auto changes = app_.presence->take_changes();
  if (changes.active.empty() && changes.stopped.empty()) return;
  app_.db.write([&](db::transaction& tx) {
    // Until a little after the next write: a node that stops writing (killed) stops counting.
    push::store::mark_active(tx, node_, changes.active, now + 3 * presence_every_ms);
    push::store::mark_inactive(tx, node_, changes.stopped, now);
  });
}

int courier::deliver_pushes() {
  const millis now = app_.clock.now();
  const auto claims =
      app_.db.write([&](db::transaction& tx) { return store::claim_push_due(tx, now, batch); });
  if (claims.empty() || !app_.vapid) return static_cast<int>(claims.size());

  std::vector<push::outgoing> pushes;
  std::vector<prepared> what;
  std::map<std::string, std::string> authorization_by_origin;
  app_.db.read([&](db::session& s) {
    for (const auto& c : claims) {
      auto n = store::by_id(s, c.id);
      if (!n || n->read_at || now - n->created_at > stale_push_ms) continue;
      const auto chosen = store::settings_of(s, c.account_id).value_or(settings{});
      if (in_quiet_hours(chosen, now)) continue;
      // Someone in the app sees the bell; no need to buzz their phone too.
      if ((app_.presence && app_.presence->active(c.account_id)) ||
          push::store::active(s, c.account_id, now))
        continue;
      auto subscriptions = push::store::of_account(s, c.account_id);
      if (subscriptions.empty()) continue;
      auto owner = accounts::store::account_by_id(s, c.account_id);
      if (!owner) continue;
      // Whoever may no longer see the room is told nothing of it (removed since).
      caller who;
      who.account_id = c.account_id;
      who.lang = owner->acct.lang;
      access::room_filter visible(s, who);
      if (!visible.may_see(n->channel_id)) continue;
      const std::string payload = push_payload(*n, owner->acct.lang, chosen.private_previews);
      for (const auto& sub : subscriptions) {
        auto point = push::from_base64url(sub.p256dh);
        auto secret = push::from_base64url(sub.auth);
        auto body = point && secret ? push::encrypt(payload, *point, *secret) : std::nullopt;
        if (!body) continue;
        const std::string origin = origin_of(sub.endpoint);
        auto& authorization = authorization_by_origin[origin];
        if (authorization.empty())
          authorization = push::vapid_authorization(app_.vapid->key, origin, contact_of(app_.cfg),
                                                    now + vapid_lifetime_ms);
        pushes.push_back({sub.endpoint, std::move(*body), authorization,
                          n->kind == for_direct || n->kind == for_mention ? "high" : "normal",
                          push_ttl_seconds});
        what.push_back({c.id, c.attempts, sub.id});
      }
    }
  });
  if (pushes.empty()) return static_cast<int>(claims.size());

  push::send_options options;
  options.allow_loopback = app_.cfg.push_allow_loopback;
  const auto results = push::send_all(pushes, options);
  const millis done = app_.clock.now();
  app_.db.write([&](db::transaction& tx) {
    std::map<std::int64_t, int> retry;  // notification → the attempts it has had
    for (std::size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      const auto& w = what[i];
      if (r.status >= 200 && r.status < 300) {
        app_.stats.pushes_sent.fetch_add(1);
        push::store::mark_sent(tx, w.subscription_id, done);
        continue;
      }
      app_.stats.pushes_failed.fetch_add(1);
      if (r.status == 404 || r.status == 410 || r.status == 403) {
        // Gone (unsubscribed, expired), or subscribed with a key this server no longer has.
        push::store::drop(tx, w.subscription_id);
      } else if (r.status == 0 || r.status == 429 || r.status >= 500) {
        if (w.attempts + 1 < max_push_attempts) retry.emplace(w.notification_id, w.attempts);
        spdlog::info("push: {} for notification {}, {}",
                     r.status ? std::to_string(r.status) : r.error, w.notification_id,
                     w.attempts + 1 < max_push_attempts ? "trying again" : "giving up");
      } else {
        spdlog::warn("push: the push service refused notification {} with {}", w.notification_id,
                     r.status);
      }
    }
    for (const auto& [id, attempts] : retry)
      store::retry_push(tx, id, done + retry_delay(attempts));
  });
  return static_cast<int>(claims.size());
}

int courier::send_emails() {
  const millis now = app_.clock.now();
  int queued = 0;
  app_.db.write([&](db::transaction& tx) {
    const auto claims = store::claim_email_due(tx, now, batch);
    std::map<std::int64_t, std::vector<std::int64_t>> by_account;
    for (const auto& c : claims) by_account[c.account_id].push_back(c.id);
    for (const auto& [account_id, ids] : by_account) {
      const auto chosen = store::settings_of(tx, account_id).value_or(settings{});
      if (chosen.email == email_digest::never) continue;
      auto owner = accounts::store::account_by_id(tx, account_id);
      if (!owner) continue;
      caller who;
      who.account_id = account_id;
      who.lang = owner->acct.lang;
      access::room_filter visible(tx, who);
      const millis quiet_until = quiet_hours_end(chosen, now);
      std::vector<notification> unseen;
      for (auto id : ids) {
        auto n = store::by_id(tx, id);
        if (!n || n->read_at || !visible.may_see(n->channel_id) || store::seen_in_room(tx, id))
          continue;
        // Daily: the first morning after it came (at 8:00 in the member's zone).
        millis due = now;
        if (chosen.email == email_digest::daily)
          due =
              next_local_minute(n->created_at, daily_email_minute, chosen.time_zone).value_or(now);
        due = std::max(due, quiet_until);
        if (due > now) {
          store::postpone_email(tx, id, due);
          continue;
        }
        unseen.push_back(std::move(*n));
      }
      if (unseen.empty()) continue;
      // The ones not due yet go in this email too: at most one email per delay, however many
      // mentions a busy hour brings.
      for (auto id : store::claim_email_pending_of(tx, account_id)) {
        auto n = store::by_id(tx, id);
        if (n && !n->read_at && visible.may_see(n->channel_id) && !store::seen_in_room(tx, id))
          unseen.push_back(std::move(*n));
      }
      app_.outbox.enqueue(tx, unseen_email(owner->acct, unseen, app_.cfg.public_url));
      ++queued;
      app_.stats.unseen_emails.fetch_add(1);
    }
  });
  return queued;
}

}  // namespace ps::notifications
