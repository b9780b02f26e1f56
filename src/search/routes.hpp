#pragma once
#include "http/router.hpp"

namespace ps::search {

void add_routes(http::router& r);

}  // namespace ps::search
