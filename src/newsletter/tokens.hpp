#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace ps::db {
class session;
class transaction;
}  // namespace ps::db

// The links of the newsletter carry their own proof: a payload and its HMAC-SHA-256 under a key
// every node shares (kept in server_keys). An unsubscribe link needs no row per email sent, and
// a forged or altered one fails the check. Tokens are "payload.mac", both base64url.
namespace ps::newsletter::tokens {

// The shared key, made at its first use.
std::string key(db::transaction& tx, millis now);
// The shared key, if it was ever made (none yet: no token can be valid).
std::optional<std::string> existing_key(db::session& s);

std::string sign(const std::string& key, const std::string& payload);
// The payload, when `token` is one of ours.
std::optional<std::string> verify(const std::string& key, std::string_view token);

// Who an unsubscribe link is for: a member (account id) or a subscriber (subscriber id), in a
// community, from which issue (0: none, the test email).
struct unsubscribe_claim {
  std::int64_t community_id = 0;
  char who = 'm';  // 'm' member, 's' subscriber
  std::int64_t id = 0;
  std::int64_t newsletter_id = 0;
};
std::string unsubscribe_token(const std::string& key, const unsubscribe_claim& c);
std::optional<unsubscribe_claim> read_unsubscribe(const std::string& key, std::string_view token);

// A subscriber's confirmation link, good for a week.
std::string confirm_token(const std::string& key, std::int64_t subscriber_id, millis issued);
struct confirm_claim {
  std::int64_t subscriber_id = 0;
  millis issued = 0;
};
std::optional<confirm_claim> read_confirm(const std::string& key, std::string_view token);

// The public form's: when it was shown, for which community.
std::string form_token(const std::string& key, std::int64_t community_id, millis issued);
std::optional<millis> read_form(const std::string& key, std::string_view token,
                                std::int64_t community_id);

// Open and click tracking (only when the host turns it on): a recipient is named by a tag, a
// short HMAC of their address, so that a tracking URL carries no address and the counts need
// none. An open token names the issue and the tag; a click token also the link's target.
std::string recipient_tag(const std::string& key, const std::string& email);
struct tracking_claim {
  std::int64_t newsletter_id = 0;  // 0: the host's test email, counted nowhere
  std::string tag;
  std::string url;  // a click's target; empty for an open
};
std::string open_token(const std::string& key, std::int64_t newsletter_id, const std::string& tag);
std::string click_token(const std::string& key, std::int64_t newsletter_id, const std::string& tag,
                        const std::string& url);
std::optional<tracking_claim> read_open(const std::string& key, std::string_view token);
std::optional<tracking_claim> read_click(const std::string& key, std::string_view token);

}  // namespace ps::newsletter::tokens
