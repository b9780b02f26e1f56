#pragma once
#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace ps::http {

struct blob {
  const unsigned char* data;
  std::size_t size;
};

// One file of the built web app, with its gzip copy when compressing it helps.
struct embedded_file {
  const char* path;  // "/assets/index-3f2a.js"
  blob raw;
  blob gzip;  // data is nullptr when absent
};

// Generated at build time from web/dist by cmake/embed_assets.cmake.
std::span<const embedded_file> embedded_web_files();

// The OpenAPI document, generated from docs/openapi.json.
std::string_view openapi_document();

// Serves the web app: hashed assets cached for a year, index.html never cached (so a new
// version is picked up at once), gzip when the browser accepts it, and index.html for every
// app route (/i/CODE, /login/TOKEN, /c/slug …) so the app can route on the client. Every file
// has an ETag, and a copy the browser holds already is a 304: embedded files by a hash of
// their bytes, files from a folder as every file response (http/file_response.hpp, which
// also answers Range).
class web_assets {
 public:
  // From the binary, or from a folder on disk when `root` is set (development).
  explicit web_assets(std::optional<std::filesystem::path> root);
  std::optional<response> serve(const request& req) const;
  // Serving from a folder reads files: that is blocking I/O, kept off the network threads.
  bool reads_disk() const { return root_.has_value(); }

 private:
  std::optional<response> from_disk(const std::string& path) const;
  std::optional<std::filesystem::path> root_;
  // The ETag of each embedded file (in the order of embedded_web_files()), from a hash of its
  // bytes computed once at start: the files never change while the binary runs.
  std::vector<std::string> etags_;
};

std::string content_type_for(std::string_view path);

// True when `path` (cleaned) is a page of the web app, served index.html when no file has that
// name; false when it asks for a file (its last segment ends in a file's extension).
bool is_app_route(std::string_view path);

// A request path made safe to look up: percent-decoded, and refused (nullopt) when it holds an
// empty, "." or ".." segment, a control character (NUL included), a backslash or a colon. Only
// what this returns is ever joined to a folder, so "//etc/passwd" or "/%2e%2e/x" never leave it.
std::optional<std::string> clean_asset_path(std::string_view raw);

}  // namespace ps::http
