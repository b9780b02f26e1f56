#pragma once
#include <optional>
#include <string>
#include <vector>

#include "accounts/model.hpp"
#include "db/database.hpp"

// The SQL of accounts, sessions, login links and personal tokens, and nothing else.
namespace ps::accounts::store {

struct account_with_hash {
  account acct;
  std::string password_hash;
};

// Who a session or token belongs to, as authentication needs it.
struct credential_owner {
  std::int64_t credential_id;
  std::int64_t account_id;
  locale lang;
  std::optional<millis> last_used_at = std::nullopt;
};

std::optional<account_with_hash> account_by_email(db::session& s, const std::string& email);
std::optional<account_with_hash> account_by_id(db::session& s, std::int64_t id);
// Throws db::constraint_violation when the email is taken.
std::int64_t insert_account(db::transaction& tx, const std::string& email, const std::string& hash,
                            const std::string& display_name, locale lang, millis now);
void update_profile(db::transaction& tx, std::int64_t id, const std::string& display_name, locale lang);
void update_password(db::transaction& tx, std::int64_t id, const std::string& hash);

// `user_agent` as stored (accounts/device.hpp: already cut), `device` said from it.
std::int64_t insert_session(db::transaction& tx, const std::string& token_hash, std::int64_t account_id,
                            millis now, const std::string& user_agent, const std::string& device);
std::optional<credential_owner> live_session(db::session& s, const std::string& token_hash);
void touch_session(db::transaction& tx, std::int64_t session_id, millis now);
// The account's live sessions, most recently used first (one never used since log-in counts as
// used when it opened); `current` is left false.
std::vector<session_info> sessions_of(db::session& s, std::int64_t account_id);
void revoke_session(db::transaction& tx, std::int64_t session_id, millis now);
// Ends the session only if it is a live one of the account: false for any other id.
bool revoke_session_of(db::transaction& tx, std::int64_t account_id, std::int64_t session_id, millis now);
// Returns how many ended.
std::int64_t revoke_sessions_except(db::transaction& tx, std::int64_t account_id,
                                    std::optional<std::int64_t> keep, millis now);

void insert_login_link(db::transaction& tx, const std::string& token_hash, std::int64_t account_id,
                       millis now, millis expires_at);
// Marks a live link used and returns its account; nothing when unknown, used or expired.
std::optional<std::int64_t> consume_login_link(db::transaction& tx, const std::string& token_hash, millis now);
// Makes every unused link of the account expire now.
void end_login_links_of(db::transaction& tx, std::int64_t account_id, millis now);

std::int64_t insert_token(db::transaction& tx, const std::string& token_hash, std::int64_t account_id,
                          const std::string& name, millis now);
std::optional<credential_owner> live_token(db::session& s, const std::string& token_hash);
void touch_token(db::transaction& tx, std::int64_t token_id, millis now);
std::vector<token_info> tokens_of(db::session& s, std::int64_t account_id);
std::optional<token_info> token_of(db::session& s, std::int64_t account_id, std::int64_t token_id);
bool revoke_token(db::transaction& tx, std::int64_t account_id, std::int64_t token_id, millis now);
void revoke_tokens_of(db::transaction& tx, std::int64_t account_id, millis now);

}  // namespace ps::accounts::store
