#pragma once
#include "http/router.hpp"

namespace ps::newsletter {

void add_routes(http::router& r);

}  // namespace ps::newsletter
