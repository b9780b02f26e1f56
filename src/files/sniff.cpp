#include "files/sniff.hpp"

#include <magic.h>

#include <algorithm>
#include <array>
#include <memory>
#include <utility>

namespace ps::files {

namespace {

struct magic_closer {
  void operator()(magic_t cookie) const { magic_close(cookie); }
};
using magic_handle = std::unique_ptr<std::remove_pointer_t<magic_t>, magic_closer>;

constexpr std::string_view unknown = "application/octet-stream";

}  // namespace

std::string sniff_type(const std::filesystem::path& file) {
  // A cookie per call: libmagic's cookies are not shared between threads, and loading the
  // compiled database is a fraction of a millisecond beside what an upload costs anyway.
  magic_handle cookie(magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR));
  if (!cookie || magic_load(cookie.get(), nullptr) != 0) return std::string(unknown);
  // Read at most the first megabyte (libmagic's default, stated so it stays bounded).
  const std::size_t bytes_max = 1024 * 1024;
  magic_setparam(cookie.get(), MAGIC_PARAM_BYTES_MAX, &bytes_max);
  const char* found = magic_file(cookie.get(), file.c_str());
  if (!found || std::string_view(found).empty()) return std::string(unknown);
  return found;
}

namespace {

std::string lower_extension(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == name.size()) return {};
  std::string ext(name.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

struct expectation {
  std::string_view extension;
  std::string_view type_prefix;  // a whole type, or "text/" for any text
};

// The extensions people send most, each with what its content must be. libmagic names some
// types in two ways (audio/x-m4a, audio/mp4); both are listed.
constexpr std::array<expectation, 36> expected = {{
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"png", "image/png"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"heic", "image/heic"},
    {"heic", "image/heif"},
    {"heif", "image/heif"},
    {"heif", "image/heic"},
    {"svg", "image/svg+xml"},
    {"pdf", "application/pdf"},
    {"mp3", "audio/mpeg"},
    {"m4a", "audio/x-m4a"},
    {"m4a", "audio/mp4"},
    {"m4a", "video/mp4"},
    {"mp4", "video/mp4"},
    {"mov", "video/quicktime"},
    {"webm", "video/webm"},
    {"ogg", "audio/ogg"},
    {"wav", "audio/x-wav"},
    {"wav", "audio/wav"},
    {"zip", "application/zip"},
    {"txt", "text/"},
    {"md", "text/"},
    {"csv", "text/"},
    {"csv", "application/csv"},
    {"html", "text/html"},
    {"htm", "text/html"},
    {"json", "application/json"},
    {"json", "text/"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"docx", "application/zip"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"xlsx", "application/zip"},
    {"exe", "application/x-dosexec"},
    {"exe", "application/vnd.microsoft.portable-executable"},
}};

}  // namespace

bool name_matches_type(std::string_view name, std::string_view type) {
  const std::string ext = lower_extension(name);
  bool known = false;
  for (const auto& e : expected) {
    if (e.extension != ext) continue;
    known = true;
    if (e.type_prefix.ends_with('/') ? type.starts_with(e.type_prefix) : type == e.type_prefix)
      return true;
  }
  return !known;
}

}  // namespace ps::files
