#pragma once
#include "http/router.hpp"

namespace ps::invitations {
// /api/v1/communities/{slug}/invitations and /api/v1/invitations/{code}.
void add_routes(http::router& r);
}  // namespace ps::invitations
