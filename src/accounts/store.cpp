#include "accounts/store.hpp"

namespace ps::accounts::store {
namespace {

constexpr std::string_view account_columns =
    "id, email, display_name, locale, created_at, password_hash";

account_with_hash read_account(const db::row& r) {
  locale lang = locale::fr;
  parse_locale(r.text(3), lang);
  return {account{r.integer(0), r.text(1), r.text(2), lang, r.integer(4)}, r.text(5)};
}

credential_owner read_owner(const db::row& r) {
  locale lang = locale::fr;
  parse_locale(r.text(2), lang);
  return {r.integer(0), r.integer(1), lang};
}

}  // namespace

std::optional<account_with_hash> account_by_email(db::session& s, const std::string& email) {
  static const std::string sql = "SELECT " + std::string(account_columns) + " FROM accounts WHERE email = $1";
  auto r = s.query_one(sql, email);
  if (!r) return std::nullopt;
  return read_account(*r);
}

std::optional<account_with_hash> account_by_id(db::session& s, std::int64_t id) {
  static const std::string sql = "SELECT " + std::string(account_columns) + " FROM accounts WHERE id = $1";
  auto r = s.query_one(sql, id);
  if (!r) return std::nullopt;
  return read_account(*r);
}

std::int64_t insert_account(db::transaction& tx, const std::string& email, const std::string& hash,
                            const std::string& display_name, locale lang, millis now) {
  return tx.query_one(
               "INSERT INTO accounts (email, password_hash, display_name, locale, created_at) "
               "VALUES ($1, $2, $3, $4, $5) RETURNING id",
               email, hash, display_name, locale_name(lang), now)
      ->integer(0);
}

void update_profile(db::transaction& tx, std::int64_t id, const std::string& display_name, locale lang) {
  tx.execute("UPDATE accounts SET display_name = $1, locale = $2 WHERE id = $3", display_name,
             locale_name(lang), id);
}

void update_password(db::transaction& tx, std::int64_t id, const std::string& hash) {
  tx.execute("UPDATE accounts SET password_hash = $1 WHERE id = $2", hash, id);
}

std::int64_t insert_session(db::transaction& tx, const std::string& token_hash, std::int64_t account_id,
                            millis now, const std::string& user_agent, const std::string& device) {
  return tx.query_one(
               "INSERT INTO sessions (token_hash, account_id, created_at, user_agent, device) "
               "VALUES ($1, $2, $3, $4, $5) RETURNING id",
               token_hash, account_id, now, user_agent, device)
      ->integer(0);
}

std::optional<credential_owner> live_session(db::session& s, const std::string& token_hash) {
  auto r = s.query_one(
      "SELECT s.id, s.account_id, a.locale, s.last_used_at FROM sessions s "
      "JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1 AND s.revoked_at IS NULL",
      token_hash);
  if (!r) return std::nullopt;
  credential_owner owner = read_owner(*r);
  owner.last_used_at = r->maybe_integer(3);
  return owner;
}

void touch_session(db::transaction& tx, std::int64_t session_id, millis now) {
  tx.execute("UPDATE sessions SET last_used_at = $1 WHERE id = $2", now, session_id);
}

std::vector<session_info> sessions_of(db::session& s, std::int64_t account_id) {
  std::vector<session_info> out;
  for (auto& r : s.query(
           "SELECT id, device, user_agent, created_at, last_used_at FROM sessions "
           "WHERE account_id = $1 AND revoked_at IS NULL "
           "ORDER BY COALESCE(last_used_at, created_at) DESC, id DESC",
           account_id))
    out.push_back({r.integer(0), r.text(1), r.text(2), r.integer(3), r.maybe_integer(4), false});
  return out;
}

void revoke_session(db::transaction& tx, std::int64_t session_id, millis now) {
  tx.execute("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", now, session_id);
}

bool revoke_session_of(db::transaction& tx, std::int64_t account_id, std::int64_t session_id, millis now) {
  return tx.execute(
             "UPDATE sessions SET revoked_at = $1 WHERE account_id = $2 AND id = $3 "
             "AND revoked_at IS NULL",
             now, account_id, session_id) > 0;
}

std::int64_t revoke_sessions_except(db::transaction& tx, std::int64_t account_id,
                                    std::optional<std::int64_t> keep, millis now) {
  return tx.execute(
      "UPDATE sessions SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL AND id <> $3",
      now, account_id, keep.value_or(0));
}

void insert_login_link(db::transaction& tx, const std::string& token_hash, std::int64_t account_id,
                       millis now, millis expires_at) {
  tx.execute(
      "INSERT INTO login_links (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
      token_hash, account_id, now, expires_at);
}

std::optional<std::int64_t> consume_login_link(db::transaction& tx, const std::string& token_hash,
                                               millis now) {
  auto r = tx.query_one(
      "UPDATE login_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL "
      "AND expires_at > $1 RETURNING account_id",
      now, token_hash);
  if (!r) return std::nullopt;
  return r->integer(0);
}

void end_login_links_of(db::transaction& tx, std::int64_t account_id, millis now) {
  tx.execute(
      "UPDATE login_links SET expires_at = $1 WHERE account_id = $2 AND used_at IS NULL "
      "AND expires_at > $1",
      now, account_id);
}

std::int64_t insert_token(db::transaction& tx, const std::string& token_hash, std::int64_t account_id,
                          const std::string& name, millis now) {
  return tx.query_one(
               "INSERT INTO personal_tokens (token_hash, account_id, name, created_at) "
               "VALUES ($1, $2, $3, $4) RETURNING id",
               token_hash, account_id, name, now)
      ->integer(0);
}

std::optional<credential_owner> live_token(db::session& s, const std::string& token_hash) {
  auto r = s.query_one(
      "SELECT t.id, t.account_id, a.locale, t.last_used_at FROM personal_tokens t "
      "JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
      token_hash);
  if (!r) return std::nullopt;
  credential_owner owner = read_owner(*r);
  owner.last_used_at = r->maybe_integer(3);
  return owner;
}

void touch_token(db::transaction& tx, std::int64_t token_id, millis now) {
  tx.execute("UPDATE personal_tokens SET last_used_at = $1 WHERE id = $2", now, token_id);
}

namespace {
token_info read_token(const db::row& r) {
  return {r.integer(0), r.text(1), r.integer(2), r.maybe_integer(3)};
}
}  // namespace

std::vector<token_info> tokens_of(db::session& s, std::int64_t account_id) {
  std::vector<token_info> out;
  for (auto& r : s.query(
           "SELECT id, name, created_at, last_used_at FROM personal_tokens "
           "WHERE account_id = $1 AND revoked_at IS NULL ORDER BY id",
           account_id))
    out.push_back(read_token(r));
  return out;
}

std::optional<token_info> token_of(db::session& s, std::int64_t account_id, std::int64_t token_id) {
  auto r = s.query_one(
      "SELECT id, name, created_at, last_used_at FROM personal_tokens "
      "WHERE account_id = $1 AND id = $2 AND revoked_at IS NULL",
      account_id, token_id);
  if (!r) return std::nullopt;
  return read_token(*r);
}

bool revoke_token(db::transaction& tx, std::int64_t account_id, std::int64_t token_id, millis now) {
  return tx.execute(
             "UPDATE personal_tokens SET revoked_at = $1 WHERE account_id = $2 AND id = $3 "
             "AND revoked_at IS NULL",
             now, account_id, token_id) > 0;
}

void revoke_tokens_of(db::transaction& tx, std::int64_t account_id, millis now) {
  tx.execute(
      "UPDATE personal_tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
      now, account_id);
}

}  // namespace ps::accounts::store
