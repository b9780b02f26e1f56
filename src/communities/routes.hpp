#pragma once
#include "http/router.hpp"

namespace ps::communities {
// /api/v1/communities and their members.
void add_routes(http::router& r);
}  // namespace ps::communities
