#pragma once
#include "app/config.hpp"
#include "http/router.hpp"

namespace ps::files {

// The upload route's body limit comes from the operator's max_upload_mib.
void add_routes(http::router& r, const config& cfg);

}  // namespace ps::files
