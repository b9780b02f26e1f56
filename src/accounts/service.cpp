#include "accounts/service.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "accounts/device.hpp"
#include "accounts/emails.hpp"
#include "accounts/store.hpp"
#include "communities/service.hpp"
#include "realtime/everywhere.hpp"
#include "realtime/hub.hpp"
#include "accounts/throttle.hpp"
#include "chat/history_cache.hpp"
#include "core/secrets.hpp"
#include "core/text.hpp"
#include "db/database.hpp"
#include "mail/outbox.hpp"
#include "accounts/errors.hpp"

namespace ps::accounts {
namespace {

result<std::string> check_display_name(const std::string& raw) {
  const std::string name(text::trim(raw));
  if (name.empty()) return errors::invalid("display_name", field_problem::required);
  if (text::utf8_length(name) > 80)
    return errors::invalid("display_name", field_problem::too_long, 80);
  if (auto bad = text::forbidden_in_name(name))
    return errors::forbidden_character("display_name", *bad);
  return name;
}

result<locale> check_locale(const std::optional<std::string>& raw, locale fallback) {
  if (!raw) return fallback;
  locale out;
  if (!parse_locale(*raw, out)) return errors::invalid("locale", field_problem::not_allowed);
  return out;
}

outcome check_new_password(const std::string& password, const char* field) {
  if (password.empty()) return errors::invalid(field, field_problem::required);
  if (text::utf8_length(password) < min_password_length)
    return errors::invalid(field, field_problem::too_short, min_password_length);
  if (password.size() > 1000) return errors::invalid(field, field_problem::too_long, 1000);
  return done;
}

signed_in open_session(db::transaction& tx, const account& acct, millis now,
                       std::string_view user_agent) {
  std::string token = secrets::random_token();
  const std::string stored = stored_user_agent(user_agent);
  store::insert_session(tx, secrets::token_digest(token), acct.id, now, stored, device_of(stored));
  return {acct, std::move(token)};
}

}  // namespace

result<signed_in> sign_up(app& app, const sign_up_form& form, locale fallback,
                          std::string_view user_agent) {
  const std::string email = text::to_lower_ascii(text::trim(form.email));
  if (email.empty()) return errors::invalid("email", field_problem::required);
  if (!text::looks_like_email(email))
    return errors::invalid("email", field_problem::invalid_format);
  if (auto ok = check_new_password(form.password, "password"); !ok) return ok.error();
  auto name = check_display_name(form.display_name);
  if (!name) return name.error();
  auto lang = check_locale(form.locale, fallback);
  if (!lang) return lang.error();

  // Hash before the transaction: the writer is never held for argon2id's 60 ms.
  const std::string hash = secrets::hash_password(form.password, app.cfg.fast_password_hashing);
  const millis now = app.clock.now();
  try {
    return app.db.write([&](db::transaction& tx) -> result<signed_in> {
      if (store::account_by_email(tx, email)) return errors::of(email_taken);
      account acct{0, email, *name, *lang, now};
      acct.id = store::insert_account(tx, email, hash, *name, *lang, now);
      return open_session(tx, acct, now, user_agent);
    });
  } catch (const db::constraint_violation&) {
    return errors::of(email_taken);  // lost a race with the same email
  }
}

result<signed_in> log_in(app& app, const std::string& raw_email, const std::string& password,
                         const std::string& ip, std::string_view user_agent) {
  const std::string email = text::to_lower_ascii(text::trim(raw_email));
  if (email.empty()) return errors::invalid("email", field_problem::required);
  if (password.empty()) return errors::invalid("password", field_problem::required);
  const millis now = app.clock.now();
  // Failures count per email+address pair, per address and per email (accounts/throttle.hpp):
  // a guesser's address is stopped long before the email is, so the member still gets in.
  const std::string network = network_of(ip);
  const rate_check checks[] = {
      {limits::log_in_failures_per_email_and_address, email + " " + network},
      {limits::log_in_failures_per_address, network},
      {limits::log_in_failures_per_email, email},
  };
  if (const int wait = app.throttle.retry_after(checks); wait > 0)
    return errors::rate_limited(wait, rate_limited_action::log_in);

  auto found = app.db.read([&](db::session& s) { return store::account_by_email(s, email); });
  bool good = false;
  if (found) {
    good = secrets::verify_password(password, found->password_hash);
  } else {
    // Spend the same time as a real check, so response times do not reveal which emails exist.
    (void)secrets::hash_password(password, app.cfg.fast_password_hashing);
  }
  if (!good) {
    app.throttle.record(checks);
    return errors::make(error_code::invalid_credentials);
  }
  // The pair is forgiven; the address and the email are not: logging into one's own account
  // between guesses must not reset a guesser's count.
  app.throttle.forget(checks[0]);
  return app.db.write(
      [&](db::transaction& tx) { return open_session(tx, found->acct, now, user_agent); });
}

void log_out(app& app, const caller& who) {
  if (!who.session_id) return;
  app.db.write([&](db::transaction& tx) {
    store::revoke_session(tx, *who.session_id, app.clock.now());
    // Streams opened with this session end too (close_session_ended), not only its requests.
    realtime::everywhere::end_session(tx, app.hub, who.account_id, *who.session_id);
  });
}

outcome send_login_link(app& app, const std::string& raw_email, const std::string& ip) {
  const std::string email = text::to_lower_ascii(text::trim(raw_email));
  if (email.empty()) return errors::invalid("email", field_problem::required);
  if (!text::looks_like_email(email))
    return errors::invalid("email", field_problem::invalid_format);
  // Counted before the account is looked up, so that the limit is the same for every email;
  // past it, nothing is sent and the answer is the same (the caller learns nothing).
  const rate_check checks[] = {{limits::login_links_per_email, email},
                               {limits::login_links_per_address, network_of(ip)}};
  if (app.throttle.acquire(checks) > 0) return done;
  const millis now = app.clock.now();
  app.db.write([&](db::transaction& tx) {
    auto found = store::account_by_email(tx, email);
    if (!found) return;
    const std::string token = secrets::random_token();
    store::insert_login_link(tx, secrets::token_digest(token), found->acct.id, now,
                             now + login_link_lifetime);
    const std::string url = app.cfg.public_url + "/login/" + token;
    mail::draft d = login_link_email(found->acct, url);
    d.to = email;
    app.outbox.enqueue(tx, d);
  });
  return done;
}

result<signed_in> redeem_login_link(app& app, const std::string& token,
                                    std::string_view user_agent) {
  const millis now = app.clock.now();
  return app.db.write([&](db::transaction& tx) -> result<signed_in> {
    auto account_id = store::consume_login_link(tx, secrets::token_digest(token), now);
    if (!account_id) return errors::make(error_code::invalid_credentials);
    auto found = store::account_by_id(tx, *account_id);
    if (!found) return errors::make(error_code::invalid_credentials);
    return open_session(tx, found->acct, now, user_agent);
  });
}

std::vector<session_info> list_sessions(app& app, const caller& who) {
  auto sessions = app.db.read([&](db::session& s) { return store::sessions_of(s, who.account_id); });
  const auto own = std::find_if(sessions.begin(), sessions.end(),
                                [&](const session_info& s) { return s.id == who.session_id; });
  if (own != sessions.end()) {
    own->current = true;
    own->last_used_at = app.clock.now();
    std::rotate(sessions.begin(), own, own + 1);  // the others keep their order
  }
  return sessions;
}

outcome end_session(app& app, const caller& who, std::int64_t session_id) {
  const bool ended = app.db.write([&](db::transaction& tx) {
    if (!store::revoke_session_of(tx, who.account_id, session_id, app.clock.now())) return false;
    realtime::everywhere::end_session(tx, app.hub, who.account_id, session_id);
    return true;
  });
  // The same answer for an ended session, an unknown id and another account's session: an id
  // tells nobody whether it exists.
  if (!ended) return errors::not_found("session");
  return done;
}

std::int64_t end_other_sessions(app& app, const caller& who) {
  return app.db.write([&](db::transaction& tx) {
    const auto ended =
        store::revoke_sessions_except(tx, who.account_id, who.session_id, app.clock.now());
    // Only session streams: a token's stream stays, as the token does (end_account_streams
    // would close it too).
    realtime::everywhere::end_sessions_except(tx, app.hub, who.account_id, who.session_id);
    return ended;
  });
}

result<account> profile(app& app, const caller& who) {
  auto found = app.db.read([&](db::session& s) { return store::account_by_id(s, who.account_id); });
  if (!found) return errors::unauthenticated();
  return found->acct;
}

result<account> update_profile(app& app, const caller& who,
                               const std::optional<std::string>& display_name,
                               const std::optional<std::string>& locale_text) {
  auto current = profile(app, who);
  if (!current) return current.error();
  account next = *current;
  if (display_name) {
    auto name = check_display_name(*display_name);
    if (!name) return name.error();
    next.display_name = *name;
  }
  auto lang = check_locale(locale_text, next.lang);
  if (!lang) return lang.error();
  next.lang = *lang;
  const bool renamed = next.display_name != current->display_name;
  app.db.write([&](db::transaction& tx) {
    store::update_profile(tx, next.id, next.display_name, next.lang);
    if (!renamed) return;
    // Author names are in every cached page of history.
    tx.after_commit([&app] { app.history.everything_changed(); });
    // Everyone who sees the name learns the new one: one event in each community of theirs.
    for (auto community_id : access::communities_of(tx, next.id))
      communities::record_member_event(app, tx, community_id, "member.renamed", next.id);
  });
  return next;
}

outcome change_password(app& app, const caller& who, const std::string& current,
                        const std::string& replacement) {
  if (current.empty()) return errors::invalid("current_password", field_problem::required);
  if (auto ok = check_new_password(replacement, "new_password"); !ok) return ok.error();
  auto found = app.db.read([&](db::session& s) { return store::account_by_id(s, who.account_id); });
  if (!found) return errors::unauthenticated();
  if (!secrets::verify_password(current, found->password_hash))
    return errors::make(error_code::invalid_credentials);
  const std::string hash = secrets::hash_password(replacement, app.cfg.fast_password_hashing);
  const millis now = app.clock.now();
  // A new password ends every way in that the old one could have opened (by whoever knew it):
  // other sessions, personal tokens and unused login links. Only the session making the change
  // stays; a change made with a token keeps nothing.
  app.db.write([&](db::transaction& tx) {
    store::update_password(tx, who.account_id, hash);
    store::revoke_sessions_except(tx, who.account_id, who.session_id, now);
    store::revoke_tokens_of(tx, who.account_id, now);
    store::end_login_links_of(tx, who.account_id, now);
    realtime::everywhere::end_account_streams(tx, app.hub, who.account_id, who.session_id);
  });
  return done;
}

result<new_token> create_token(app& app, const caller& who, const std::string& raw_name) {
  const std::string name(text::trim(raw_name));
  if (name.empty()) return errors::invalid("name", field_problem::required);
  if (text::utf8_length(name) > 80) return errors::invalid("name", field_problem::too_long, 80);
  if (auto bad = text::forbidden_in_name(name)) return errors::forbidden_character("name", *bad);
  const std::string secret = "psat_" + secrets::random_token();
  const millis now = app.clock.now();
  const auto id = app.db.write([&](db::transaction& tx) {
    return store::insert_token(tx, secrets::token_digest(secret), who.account_id, name, now);
  });
  return new_token{secret, token_info{id, name, now, std::nullopt}};
}

std::vector<token_info> list_tokens(app& app, const caller& who) {
  return app.db.read([&](db::session& s) { return store::tokens_of(s, who.account_id); });
}

outcome revoke_token(app& app, const caller& who, std::int64_t token_id) {
  const bool revoked = app.db.write([&](db::transaction& tx) {
    const bool ended = store::revoke_token(tx, who.account_id, token_id, app.clock.now());
    if (ended) realtime::everywhere::end_token(tx, app.hub, who.account_id, token_id);
    return ended;
  });
  if (!revoked) return errors::not_found("token");
  return done;
}

}  // namespace ps::accounts
