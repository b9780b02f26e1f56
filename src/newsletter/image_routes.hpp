#pragma once
#include "http/router.hpp"

namespace ps::newsletter {

// GET /api/v1/newsletter-images/{token}: an issue's image as mail clients fetch it, with no
// cookie (newsletter/images.hpp).
void add_image_routes(http::router& r);

}  // namespace ps::newsletter
