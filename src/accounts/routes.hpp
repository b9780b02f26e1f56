#pragma once
#include "http/router.hpp"

namespace ps::accounts {
// /api/v1/accounts, /sessions, /login-links, /me, /tokens.
void add_routes(http::router& r);
}  // namespace ps::accounts
