#include "files/routes.hpp"

#include <nlohmann/json.hpp>

#include "files/service.hpp"
#include "http/file_response.hpp"

namespace ps::files {

using http::context;
using http::response;
using http::verb;

namespace {

result<response> send_file(context& c, variant v) {
  auto who = c.caller();
  if (!who) return who.error();
  auto id = c.id_param("id", "file");
  if (!id) return id.error();
  auto file = open_for(c.app, *who, *id, v);
  if (!file) return file.error();
  response res = http::file_response(file->path, file->content_type, file->download_name);
  // Private: never kept by a shared cache. Five minutes in the member's own browser, then asked
  // again (an ETag makes that a 304), so that someone who lost access stops getting it soon
  // even from a cache.
  res.headers.emplace_back("Cache-Control", "private, max-age=300");
  // A file is never a page of ours: no script of it runs, even opened by itself.
  res.headers.emplace_back("Content-Security-Policy", "sandbox; default-src 'none'");
  return res;
}

}  // namespace

void add_routes(http::router& r, const config& cfg) {
  const std::size_t limit = static_cast<std::size_t>(std::max(cfg.max_upload_mib, 1)) << 20;
  r.add_upload(
      verb::post, "/api/v1/communities/{slug}/files",
      [](context& c, http::upload& body) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto name = c.req.query_param("name");
        if (!name) return errors::invalid("name", field_problem::required);
        auto f = upload(c.app, *who, c.param("slug"), *name, body.file);
        if (!f) return f.error();
        std::string out = "{\"file\":";
        append_json(out, *f);
        out += '}';
        return http::raw_json_response(201, std::move(out));
      },
      limit);

  r.add(
      verb::get, "/api/v1/files/{id}", [](context& c) { return send_file(c, variant::original); },
      http::runs_on::blocking_pool);
  r.add(
      verb::get, "/api/v1/files/{id}/preview",
      [](context& c) { return send_file(c, variant::preview); }, http::runs_on::blocking_pool);
  r.add(
      verb::get, "/api/v1/files/{id}/thumbnail",
      [](context& c) { return send_file(c, variant::thumbnail); }, http::runs_on::blocking_pool);

  r.add(verb::del, "/api/v1/files/{id}", [](context& c) -> result<response> {
    auto who = c.caller();
    if (!who) return who.error();
    auto id = c.id_param("id", "file");
    if (!id) return id.error();
    if (auto ok = remove_upload(c.app, *who, *id); !ok) return ok.error();
    return http::no_content();
  });

  r.add(
      verb::get, "/api/v1/communities/{slug}/files/usage",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto report = storage_of(c.app, *who, c.param("slug"));
        if (!report) return report.error();
        nlohmann::json usage = {
            {"used_bytes", report->usage.used_bytes},
            {"files", report->usage.files},
            {"limit_bytes",
             report->limit_bytes ? nlohmann::json(*report->limit_bytes) : nlohmann::json(nullptr)}};
        return http::json_response(200, {{"usage", usage}});
      },
      http::runs_on::blocking_pool);
}

}  // namespace ps::files
