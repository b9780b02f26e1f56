#pragma once
#include "http/router.hpp"

namespace ps::chat {
// Channels, messages, threads, reactions and read markers.
void add_routes(http::router& r);
}  // namespace ps::chat
