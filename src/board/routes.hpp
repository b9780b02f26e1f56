#pragma once
#include "http/router.hpp"

namespace ps::board {

void add_routes(http::router& r);

}  // namespace ps::board
