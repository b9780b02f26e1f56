#pragma once
#include "http/router.hpp"

namespace ps::conversations {

void add_routes(http::router& r);

}  // namespace ps::conversations
