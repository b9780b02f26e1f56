#include "push/service.hpp"

#include <curl/curl.h>

#include <nlohmann/json.hpp>

#include "core/rate_limiter.hpp"
#include "push/errors.hpp"
#include "push/sender.hpp"

namespace ps::push {

namespace {

constexpr const char* vapid_key_name = "vapid";
// A browser subscribes once per install, and again when its subscription changes: 30 an hour
// is far more than a person's devices need, and bounds the writes one account can cause.
constexpr rate_limit subscriptions_per_account{"push_subscription", 30, 60 * 60 * 1000};

struct url_deleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct curl_text {
  char* text = nullptr;
  ~curl_text() { curl_free(text); }
};

std::optional<std::string> part_of(CURLU* url, CURLUPart part) {
  curl_text out;
  if (curl_url_get(url, part, &out.text, 0) != CURLUE_OK || !out.text) return std::nullopt;
  return std::string(out.text);
}

bool loopback_host(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]";
}

}  // namespace

vapid_keys load_or_make_keys(db::database& db, const clock& clock) {
  auto pem = db.read([](db::session& s) { return store::key_named(s, vapid_key_name); });
  if (!pem) {
    // Two nodes starting together: the first insert wins, and both read the winner back.
    const std::string made = p256_key::generate().pem();
    db.write([&](db::transaction& tx) {
      store::insert_key_if_absent(tx, vapid_key_name, made, clock.now());
    });
    pem = db.read([](db::session& s) { return store::key_named(s, vapid_key_name); });
  }
  auto key = pem ? p256_key::from_pem(*pem) : std::nullopt;
  if (!key) throw std::runtime_error("the VAPID key in server_keys cannot be read");
  std::string public_key = base64url(key->public_point());
  return {std::move(*key), std::move(public_key)};
}

std::optional<std::string> endpoint_problem(std::string_view endpoint, bool allow_loopback) {
  if (endpoint.empty() || endpoint.size() > max_endpoint_bytes) return "length";
  std::unique_ptr<CURLU, url_deleter> url(curl_url());
  if (!url) return "memory";
  const std::string text(endpoint);
  if (curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return "not a URL";
  const auto scheme = part_of(url.get(), CURLUPART_SCHEME);
  const auto host = part_of(url.get(), CURLUPART_HOST);
  if (!scheme || !host || host->empty()) return "no host";
  if (part_of(url.get(), CURLUPART_USER)) return "credentials in the URL";
  if (allow_loopback && loopback_host(*host) && (*scheme == "http" || *scheme == "https"))
    return std::nullopt;
  if (*scheme != "https") return "scheme";
  if (!is_public_host(*host)) return "host";
  return std::nullopt;
}

result<store::subscription> subscribe(app& app, const caller& who, const nlohmann::json& body) {
  const rate_check checks[] = {{subscriptions_per_account, std::to_string(who.account_id)}};
  if (const int wait = app.throttle.acquire(checks); wait > 0) return errors::rate_limited(wait);
  auto refused = [] { return errors::of(invalid_subscription); };
  const auto endpoint = body.find("endpoint");
  const auto keys = body.find("keys");
  if (endpoint == body.end() || !endpoint->is_string() || keys == body.end() || !keys->is_object())
    return refused();
  const auto p256dh = keys->find("p256dh");
  const auto auth = keys->find("auth");
  if (p256dh == keys->end() || !p256dh->is_string() || auth == keys->end() || !auth->is_string())
    return refused();
  store::subscription sub;
  sub.account_id = who.account_id;
  sub.session_id = who.session_id;
  sub.token_id = who.token_id;
  sub.endpoint = endpoint->get<std::string>();
  if (endpoint_problem(sub.endpoint, app.cfg.push_allow_loopback)) return refused();
  const auto point = from_base64url(p256dh->get_ref<const std::string&>());
  const auto secret = from_base64url(auth->get_ref<const std::string&>());
  if (!point || !valid_public_point(*point) || !secret || secret->size() != auth_secret_bytes)
    return refused();
  sub.p256dh = base64url(*point);
  sub.auth = base64url(*secret);
  sub.created_at = app.clock.now();
  sub.id = app.db.write([&](db::transaction& tx) {
    const auto id = store::save(tx, sub);
    store::keep_newest(tx, who.account_id, max_subscriptions_per_account);
    return id;
  });
  return sub;
}

result<bool> unsubscribe(app& app, const caller& who, const std::string& endpoint) {
  if (endpoint.empty() || endpoint.size() > max_endpoint_bytes)
    return errors::invalid("endpoint", field_problem::invalid_format);
  return app.db.write(
      [&](db::transaction& tx) { return store::remove(tx, who.account_id, endpoint); });
}

}  // namespace ps::push
