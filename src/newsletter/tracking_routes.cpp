#include "newsletter/tracking.hpp"

namespace ps::newsletter::tracking {

using http::context;
using http::response;

namespace {

// A transparent 1×1 GIF, the smallest image every mail client shows.
constexpr unsigned char pixel[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04,
                                   0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01,
                                   0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};

}  // namespace

void add_routes(http::router& r) {
  r.add(
      http::verb::get, "/api/v1/newsletter-open/{token}",
      [](context& c) -> result<response> {
        if (auto ok = record_open(c.app, c.param("token")); !ok) return ok.error();
        response out;
        out.content_type = "image/gif";
        out.body.assign(reinterpret_cast<const char*>(pixel), sizeof pixel);
        // Each open asks again (a cached pixel would count nothing, which is only less).
        out.headers.emplace_back("Cache-Control", "no-store");
        return out;
      },
      http::runs_on::blocking_pool);

  r.add(
      http::verb::get, "/api/v1/newsletter-click/{token}",
      [](context& c) -> result<response> {
        auto url = follow_click(c.app, c.param("token"));
        if (!url) return url.error();
        response out;
        out.status = 302;
        out.content_type.clear();
        out.headers.emplace_back("Location", *url);
        out.headers.emplace_back("Cache-Control", "no-store");
        // The page reached learns nothing of where the reader came from.
        out.headers.emplace_back("Referrer-Policy", "no-referrer");
        return out;
      },
      http::runs_on::blocking_pool);
}

}  // namespace ps::newsletter::tracking
