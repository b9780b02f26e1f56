#pragma once
#include "http/router.hpp"

namespace ps::mentions {

void add_routes(http::router& r);

}  // namespace ps::mentions
