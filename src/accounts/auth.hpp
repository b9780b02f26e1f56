#pragma once
#include <optional>

#include "app/app.hpp"
#include "core/caller.hpp"
#include "http/message.hpp"

namespace ps::accounts {

inline constexpr std::string_view session_cookie = "ps_session";

// Resolves the caller of a request from its bearer token or its session cookie (bearer wins).
// Nothing when neither is present or valid.
std::optional<caller> authenticate(app& app, const http::request& req);

// The Set-Cookie header values that open and close a session.
std::string session_cookie_header(const std::string& token, const config& cfg);
std::string clear_session_cookie_header(const config& cfg);

}  // namespace ps::accounts
