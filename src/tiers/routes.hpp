#pragma once
#include "http/router.hpp"

namespace ps::tiers {

void add_routes(http::router& r);

}  // namespace ps::tiers
