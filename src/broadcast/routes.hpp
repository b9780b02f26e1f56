#pragma once
#include "http/router.hpp"

namespace ps::broadcast {

void add_routes(http::router& r);
// Question prompts (prompt_routes.cpp); add_routes adds them.
void add_prompt_routes(http::router& r);

}  // namespace ps::broadcast
