#pragma once
#include "http/router.hpp"

namespace ps::notifications {

void add_routes(http::router& r);

}  // namespace ps::notifications
