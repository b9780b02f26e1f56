#pragma once
#include "http/router.hpp"

namespace ps::push {

void add_routes(http::router& r);

}  // namespace ps::push
