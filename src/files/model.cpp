#include "files/model.hpp"

#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>

#include "core/json_writer.hpp"

namespace ps::files {

bool is_image(const file_info& f) {
  return f.width.has_value() && f.height.has_value();
}

bool shown_inline(std::string_view content_type) {
  static constexpr std::array<std::string_view, 12> safe = {
      "image/jpeg", "image/png",   "image/gif", "image/webp", "audio/mpeg", "audio/ogg",
      "audio/mp4",  "audio/x-m4a", "audio/wav", "video/mp4",  "video/webm", "video/quicktime"};
  for (auto t : safe)
    if (content_type == t) return true;
  return false;
}

namespace {

// A GIF's preview is itself, so that it moves; other images have their WebP variants.
std::string preview_url(const file_info& f) {
  if (!f.has_variants) return fmt::format("/api/v1/files/{}", f.id);
  return fmt::format("/api/v1/files/{}/preview", f.id);
}
std::string thumbnail_url(const file_info& f) {
  if (!f.has_variants) return fmt::format("/api/v1/files/{}", f.id);
  return fmt::format("/api/v1/files/{}/thumbnail", f.id);
}

}  // namespace

void append_json(std::string& out, const file_info& f) {
  json_text::object_writer w(out);
  w.field("id", f.id)
      .field("url", fmt::format("/api/v1/files/{}", f.id))
      .field("name", f.name)
      .field("content_type", f.content_type)
      .field("size", f.size)
      .field("kind", is_image(f) ? "image" : "file");
  if (is_image(f)) {
    w.field("width", *f.width).field("height", *f.height);
    w.field("preview_url", preview_url(f)).field("thumbnail_url", thumbnail_url(f));
  }
  w.field("inline", shown_inline(f.content_type)).field("created_at", iso8601(f.created_at));
  w.close();
}

void append_json(std::string& out, const std::vector<file_info>& list) {
  out += '[';
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    append_json(out, list[i]);
  }
  out += ']';
}

nlohmann::json to_json(const file_info& f) {
  std::string text;
  append_json(text, f);
  return nlohmann::json::parse(text);
}

nlohmann::json to_json(const std::vector<file_info>& list) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : list) out.push_back(to_json(f));
  return out;
}

}  // namespace ps::files
