#include "http/static_assets.hpp"

#include <fstream>
#include <sstream>

namespace ps::http {
namespace {

bool accepts_gzip(const request& req) {
  return req.header("accept-encoding").find("gzip") != std::string_view::npos;
}

std::string cache_control_for(std::string_view path) {
  if (path.starts_with("/assets/")) return "public, max-age=31536000, immutable";
  return "no-cache";
}

const embedded_file* find_embedded(std::string_view path) {
  for (const auto& f : embedded_web_files())
    if (path == f.path) return &f;
  return nullptr;
}

// App routes have no file extension in their last segment; missing assets are real 404s.
bool is_app_route(std::string_view path) {
  if (path.starts_with("/assets/")) return false;
  const auto slash = path.rfind('/');
  return path.substr(slash + 1).find('.') == std::string_view::npos;
}

}  // namespace

std::string content_type_for(std::string_view path) {
  auto ends = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".webmanifest")) return "application/manifest+json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

web_assets::web_assets(std::optional<std::filesystem::path> root) : root_(std::move(root)) {}

std::optional<response> web_assets::serve(const request& req) const {
  std::string path = percent_decode(req.path, false);
  if (path.find("..") != std::string::npos) return std::nullopt;
  if (path == "/") path = "/index.html";
  if (root_) {
    if (auto r = from_disk(path, req)) return r;
    if (is_app_route(path)) return from_disk("/index.html", req);
    return std::nullopt;
  }
  const embedded_file* file = find_embedded(path);
  if (!file && is_app_route(path)) {
    file = find_embedded("/index.html");
    path = "/index.html";
  }
  if (!file) return std::nullopt;
  response r;
  r.content_type = content_type_for(path);
  r.headers.emplace_back("Cache-Control", cache_control_for(path));
  r.headers.emplace_back("Vary", "Accept-Encoding");
  if (file->gzip.data && accepts_gzip(req)) {
    r.headers.emplace_back("Content-Encoding", "gzip");
    r.static_body = {reinterpret_cast<const char*>(file->gzip.data), file->gzip.size};
  } else {
    r.static_body = {reinterpret_cast<const char*>(file->raw.data), file->raw.size};
  }
  return r;
}

std::optional<response> web_assets::from_disk(const std::string& path, const request&) const {
  const auto file = *root_ / path.substr(1);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  response r;
  r.content_type = content_type_for(path);
  r.headers.emplace_back("Cache-Control", cache_control_for(path));
  r.body = content.str();
  return r;
}

}  // namespace ps::http
