#include "newsletter/tokens.hpp"

#include <sodium.h>

#include <charconv>
#include <vector>

#include "core/secrets.hpp"
#include "db/database.hpp"
#include "push/crypto.hpp"
#include "push/store.hpp"

namespace ps::newsletter::tokens {
namespace {

constexpr const char* key_name = "newsletter-links";
constexpr std::size_t mac_bytes = 16;  // 128 bits of the HMAC: plenty against forgery
// A click token holds its link (at most 2,000 bytes, see tracking.cpp), base64url: 4/3 of it.
constexpr std::size_t max_token_size = 3000;

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t at; (at = s.find(sep, start)) != std::string_view::npos; start = at + 1)
    out.push_back(s.substr(start, at - start));
  out.push_back(s.substr(start));
  return out;
}

std::optional<std::int64_t> number(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

std::string mac_of(const std::string& key, std::string_view payload) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(payload.data()),
                                payload.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return std::string(reinterpret_cast<const char*>(mac), mac_bytes);
}

}  // namespace

std::string key(db::transaction& tx, millis now) {
  if (auto k = push::store::key_named(tx, key_name)) return *k;
  push::store::insert_key_if_absent(tx, key_name, secrets::random_token(32), now);
  return *push::store::key_named(tx, key_name);  // ours, or another node's made meanwhile
}

std::optional<std::string> existing_key(db::session& s) {
  return push::store::key_named(s, key_name);
}

std::string sign(const std::string& key, const std::string& payload) {
  return push::base64url(payload) + "." + push::base64url(mac_of(key, payload));
}

std::optional<std::string> verify(const std::string& key, std::string_view token) {
  if (token.size() > max_token_size) return std::nullopt;
  const auto dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto payload = push::from_base64url(token.substr(0, dot));
  auto mac = push::from_base64url(token.substr(dot + 1));
  if (!payload || !mac || mac->size() != mac_bytes) return std::nullopt;
  if (!secrets::equal_constant_time(*mac, mac_of(key, *payload))) return std::nullopt;
  return payload;
}

std::string unsubscribe_token(const std::string& key, const unsubscribe_claim& c) {
  return sign(key, "u|" + std::to_string(c.community_id) + "|" + std::string(1, c.who) + "|" +
                       std::to_string(c.id) + "|" + std::to_string(c.newsletter_id));
}

std::optional<unsubscribe_claim> read_unsubscribe(const std::string& key, std::string_view token) {
  auto payload = verify(key, token);
  if (!payload) return std::nullopt;
  const auto parts = split(*payload, '|');
  if (parts.size() != 5 || parts[0] != "u" || (parts[2] != "m" && parts[2] != "s"))
    return std::nullopt;
  auto community = number(parts[1]);
  auto id = number(parts[3]);
  auto issue = number(parts[4]);
  if (!community || !id || !issue) return std::nullopt;
  unsubscribe_claim c;
  c.community_id = *community;
  c.who = parts[2][0];
  c.id = *id;
  c.newsletter_id = *issue;
  return c;
}

std::string confirm_token(const std::string& key, std::int64_t subscriber_id, millis issued) {
  return sign(key, "c|" + std::to_string(subscriber_id) + "|" + std::to_string(issued));
}

std::optional<confirm_claim> read_confirm(const std::string& key, std::string_view token) {
  auto payload = verify(key, token);
  if (!payload) return std::nullopt;
  const auto parts = split(*payload, '|');
  if (parts.size() != 3 || parts[0] != "c") return std::nullopt;
  auto id = number(parts[1]);
  auto issued = number(parts[2]);
  if (!id || !issued) return std::nullopt;
  return confirm_claim{*id, *issued};
}

std::string form_token(const std::string& key, std::int64_t community_id, millis issued) {
  return sign(key, "f|" + std::to_string(community_id) + "|" + std::to_string(issued));
}

std::optional<millis> read_form(const std::string& key, std::string_view token,
                                std::int64_t community_id) {
  auto payload = verify(key, token);
  if (!payload) return std::nullopt;
  const auto parts = split(*payload, '|');
  if (parts.size() != 3 || parts[0] != "f" || number(parts[1]) != community_id) return std::nullopt;
  return number(parts[2]);
}

std::string recipient_tag(const std::string& key, const std::string& email) {
  return push::base64url(mac_of(key, "r|" + email).substr(0, 9));
}

std::string open_token(const std::string& key, std::int64_t newsletter_id, const std::string& tag) {
  return sign(key, "o|" + std::to_string(newsletter_id) + "|" + tag);
}

std::string click_token(const std::string& key, std::int64_t newsletter_id, const std::string& tag,
                        const std::string& url) {
  return sign(key, "k|" + std::to_string(newsletter_id) + "|" + tag + "|" + url);
}

namespace {
std::optional<tracking_claim> read_tracking(const std::string& key, std::string_view token,
                                            std::string_view kind) {
  auto payload = verify(key, token);
  if (!payload) return std::nullopt;
  // The URL may hold '|': only the first three separators count.
  std::vector<std::string_view> parts;
  std::string_view rest = *payload;
  const std::size_t fields = kind == "k" ? 4 : 3;
  while (parts.size() + 1 < fields) {
    const auto bar = rest.find('|');
    if (bar == std::string_view::npos) return std::nullopt;
    parts.push_back(rest.substr(0, bar));
    rest.remove_prefix(bar + 1);
  }
  parts.push_back(rest);
  if (parts[0] != kind) return std::nullopt;
  auto id = number(parts[1]);
  if (!id || parts[2].empty()) return std::nullopt;
  tracking_claim c;
  c.newsletter_id = *id;
  c.tag = std::string(parts[2]);
  if (fields == 4) {
    if (parts[3].empty()) return std::nullopt;
    c.url = std::string(parts[3]);
  } else if (c.tag.find('|') != std::string::npos) {
    return std::nullopt;
  }
  return c;
}
}  // namespace

std::optional<tracking_claim> read_open(const std::string& key, std::string_view token) {
  return read_tracking(key, token, "o");
}

std::optional<tracking_claim> read_click(const std::string& key, std::string_view token) {
  return read_tracking(key, token, "k");
}

}  // namespace ps::newsletter::tokens
