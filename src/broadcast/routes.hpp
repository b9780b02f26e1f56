#pragma once
#include "http/router.hpp"

namespace ps::broadcast {

void add_routes(http::router& r);

}  // namespace ps::broadcast
