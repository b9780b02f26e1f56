#include "http/static_assets.hpp"

#include "core/secrets.hpp"
#include "http/file_response.hpp"

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

}  // namespace

// A path whose last segment ends in a file's extension asks for a file, and a missing one is a
// real 404; any other path is the app's (a signed token in a link, "/unsubscribe/abc.def", has
// a dot too, so "has a dot" is not enough).
bool is_app_route(std::string_view path) {
  if (path.starts_with("/assets/")) return false;
  const std::string_view last = path.substr(path.rfind('/') + 1);
  const auto dot = last.rfind('.');
  if (dot == std::string_view::npos) return true;
  static constexpr std::string_view file_extensions[] = {
      "html", "htm",  "js",  "mjs",  "css",  "map", "json", "webmanifest", "txt", "xml",
      "svg",  "png",  "ico", "jpg",  "jpeg", "gif", "webp", "avif",        "woff", "woff2",
      "ttf",  "otf",  "wasm"};
  const std::string_view extension = last.substr(dot + 1);
  for (const std::string_view known : file_extensions)
    if (extension == known) return false;
  return true;
}

namespace {

// True when `file` is `root` or below it; both are canonical (absolute, no dot segments, no
// symlinks), so comparing their components is enough.
bool inside(const std::filesystem::path& root, const std::filesystem::path& file) {
  auto r = root.begin(), f = file.begin();
  for (; r != root.end(); ++r, ++f)
    if (f == file.end() || *r != *f) return false;
  return true;
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

web_assets::web_assets(std::optional<std::filesystem::path> root) : root_(std::move(root)) {
  if (root_) return;
  for (const auto& f : embedded_web_files()) {
    const std::string digest = secrets::token_digest(
        std::string_view(reinterpret_cast<const char*>(f.raw.data), f.raw.size));
    etags_.push_back("\"" + digest.substr(0, 32) + "\"");
  }
}

std::optional<std::string> clean_asset_path(std::string_view raw) {
  const std::string decoded = percent_decode(raw, false);
  if (decoded.empty() || decoded.front() != '/') return std::nullopt;
  std::string out;
  std::size_t pos = 1;
  while (pos < decoded.size()) {
    std::size_t end = decoded.find('/', pos);
    if (end == std::string::npos) end = decoded.size();
    const std::string_view segment = std::string_view(decoded).substr(pos, end - pos);
    // An empty segment ("//etc") would make the rest an absolute path; dot segments climb. (A
    // trailing slash, "/c/slug/", ends the loop before an empty segment is seen.)
    if (segment.empty() || segment == "." || segment == "..") return std::nullopt;
    for (const unsigned char c : segment)
      if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') return std::nullopt;  // NUL, C:\x
    out.append("/").append(segment);
    pos = end + 1;
  }
  return out.empty() ? std::string("/") : out;
}

std::optional<response> web_assets::serve(const request& req) const {
  auto clean = clean_asset_path(req.path);
  if (!clean) return std::nullopt;
  std::string path = std::move(*clean);
  if (path == "/") path = "/index.html";
  if (root_) {
    if (auto r = from_disk(path)) return r;
    if (is_app_route(path)) return from_disk("/index.html");
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
  // The gzip copy is another representation, so another (strong) tag.
  const bool gzip = file->gzip.data && accepts_gzip(req);
  std::string etag = etags_[static_cast<std::size_t>(file - embedded_web_files().data())];
  if (gzip) etag.insert(etag.size() - 1, "-gzip");
  if (none_match_fails(req.header("if-none-match"), etag)) {
    r.status = 304;
    r.content_type.clear();
    r.headers.emplace_back("ETag", std::move(etag));
    return r;
  }
  r.headers.emplace_back("ETag", std::move(etag));
  if (gzip) {
    r.headers.emplace_back("Content-Encoding", "gzip");
    r.static_body = {reinterpret_cast<const char*>(file->gzip.data), file->gzip.size};
  } else {
    r.static_body = {reinterpret_cast<const char*>(file->raw.data), file->raw.size};
  }
  return r;
}

std::optional<response> web_assets::from_disk(const std::string& path) const {
  // `path` is clean (no empty or dot segments), so it is relative to the root; the file it
  // names must still resolve inside the root once symlinks are followed.
  std::error_code ec;
  const auto root = std::filesystem::canonical(*root_, ec);
  if (ec) return std::nullopt;
  const auto file =
      std::filesystem::canonical(root / std::filesystem::path(path).relative_path(), ec);
  if (ec || !inside(root, file) || !std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  // Sent by the server in pieces, with ETag, Range and 304, as any file response.
  response r = file_response(file, content_type_for(path));
  r.headers.emplace_back("Cache-Control", cache_control_for(path));
  return r;
}

}  // namespace ps::http
