#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/model.hpp"
#include "app/app.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"

// The rules of accounts: sign up, log in (password or emailed link), sessions, tokens.
namespace ps::accounts {

// An account with a freshly opened session; the token goes into the cookie, never the body.
struct signed_in {
  account acct;
  std::string session_token;
};

struct sign_up_form {
  std::string email;
  std::string password;
  std::string display_name;
  std::optional<std::string> locale;
};

struct new_token {
  std::string secret;  // shown to its owner once
  token_info info;
};

inline constexpr millis login_link_lifetime = 15 * 60 * 1000;
inline constexpr std::size_t min_password_length = 10;

// Each opens a session that remembers `user_agent` (the request's User-Agent header), so that its
// owner can tell it from their others (list_sessions).
result<signed_in> sign_up(app& app, const sign_up_form& form, locale fallback,
                          std::string_view user_agent = {});
result<signed_in> log_in(app& app, const std::string& email, const std::string& password,
                         const std::string& ip, std::string_view user_agent = {});
void log_out(app& app, const caller& who);

// Queues an email with a one-time link when the account exists and the limits per email and
// per address (`ip`) allow it; silent otherwise, so that nobody learns which emails have an
// account.
outcome send_login_link(app& app, const std::string& email, const std::string& ip);
result<signed_in> redeem_login_link(app& app, const std::string& token,
                                    std::string_view user_agent = {});

// The account's live cookie sessions (personal tokens have their own list), most recently used
// first. The caller's own session is marked current and listed first, used now: it is making
// this request, whatever the last use written down so far (a minute at most behind).
std::vector<session_info> list_sessions(app& app, const caller& who);
// Ends one of the caller's live sessions, the caller's own included (a log-out), and closes the
// streams opened with it. Any other id, another account's session included, is 404.
outcome end_session(app& app, const caller& who, std::int64_t session_id);
// Ends every live session of the account but the caller's own (all of them for a caller with a
// personal token, which is no session), and closes their streams. Personal tokens stay: they
// are not sessions. Returns how many sessions ended.
std::int64_t end_other_sessions(app& app, const caller& who);

result<account> profile(app& app, const caller& who);
result<account> update_profile(app& app, const caller& who, const std::optional<std::string>& display_name,
                               const std::optional<std::string>& locale);
// Ends every other credential of the account: sessions but the caller's, personal tokens,
// unused login links.
outcome change_password(app& app, const caller& who, const std::string& current,
                        const std::string& replacement);

result<new_token> create_token(app& app, const caller& who, const std::string& name);
std::vector<token_info> list_tokens(app& app, const caller& who);
outcome revoke_token(app& app, const caller& who, std::int64_t token_id);

}  // namespace ps::accounts
