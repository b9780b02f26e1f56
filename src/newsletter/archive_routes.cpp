#include <nlohmann/json.hpp>

#include "core/instants.hpp"
#include "newsletter/archive.hpp"

namespace ps::newsletter {

void add_archive_routes(http::router& r) {
  r.add(
      http::verb::get, "/api/v1/newsletter-archive/{token}",
      [](http::context& c) -> result<http::response> {
        auto a = open_archive(c.app, c.param("token"));
        if (!a) return a.error();
        return http::json_response(
            200, {{"newsletter",
                   {{"id", a->it.id},
                    {"community", {{"slug", a->place.slug}, {"name", a->place.name}}},
                    {"subject", a->it.subject},
                    {"preview_text", a->it.preview_text},
                    {"html", a->html},
                    {"sent_at", a->it.sent_at ? nlohmann::json(iso8601(*a->it.sent_at))
                                              : nlohmann::json(nullptr)}}}});
      },
      http::runs_on::blocking_pool);
}

}  // namespace ps::newsletter
