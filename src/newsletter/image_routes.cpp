#include "newsletter/image_routes.hpp"

#include "http/file_response.hpp"
#include "newsletter/images.hpp"

namespace ps::newsletter {

using http::context;
using http::response;

void add_image_routes(http::router& r) {
  // Fetched by mail clients and their proxies (Gmail's among them), from anywhere, with no
  // cookie: the token in the path is the whole proof, and the answer is the same for everyone
  // who has the email, so shared caches may keep it for a day.
  http::route_options no_cookie;
  no_cookie.cross_site = true;
  r.add(
      http::verb::get, "/api/v1/newsletter-images/{token}",
      [](context& c) -> result<response> {
        auto file = open_image(c.app, c.param("token"));
        if (!file) return file.error();
        response res = http::file_response(file->path, file->content_type, file->download_name);
        res.headers.emplace_back("Cache-Control", "public, max-age=86400");
        // An image is never a page of ours: no script of it runs, even opened by itself.
        res.headers.emplace_back("Content-Security-Policy", "sandbox; default-src 'none'");
        return res;
      },
      http::runs_on::blocking_pool, no_cookie);
}

}  // namespace ps::newsletter
