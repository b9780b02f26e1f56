#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace ps::files {

// The items a file can be attached to (files.item_kind).
inline constexpr std::string_view on_message = "message";
inline constexpr std::string_view on_post = "post";
inline constexpr std::string_view on_comment = "comment";
// An issue of the newsletter: its images, in no room (channel_id stays NULL).
inline constexpr std::string_view on_newsletter = "newsletter";
// Files one message, post or comment may carry.
inline constexpr std::size_t max_files_per_item = 10;

// One uploaded file as members see it: its name, and the facts of the bytes it points at.
struct file_info {
  std::int64_t id = 0;
  std::int64_t community_id = 0;
  std::int64_t uploader_id = 0;
  std::int64_t blob_id = 0;
  std::string sha256;  // of the bytes as uploaded (hex): the key that deduplicates
  std::string name;
  std::string content_type;  // from the content (files/sniff.hpp), never from the name
  std::int64_t size = 0;     // of the stored file
  std::optional<std::int64_t> width, height;  // images only: as shown, orientation applied
  bool has_variants = false;                  // a preview and a thumbnail were made (WebP)
  millis created_at = 0;
  std::optional<std::int64_t> channel_id;  // once attached to a message, post or comment
  std::optional<std::string> item_kind;    // once attached to anything (its item)
  std::optional<std::int64_t> item_id;
};

bool is_image(const file_info& f);
// Whether a browser may show the file in the page (an image, a sound, a video), rather than
// only download it: anything else (HTML, SVG, a program, a PDF) could run script or pretend to
// be our page, so it is always sent as an attachment.
bool shown_inline(std::string_view content_type);

// {"id","url","name","content_type","size","kind","width"?, "height"?, "preview_url"?,
//  "thumbnail_url"?, "inline", "created_at"}
void append_json(std::string& out, const file_info& f);
// [{…}, …]
void append_json(std::string& out, const std::vector<file_info>& list);
nlohmann::json to_json(const file_info& f);
nlohmann::json to_json(const std::vector<file_info>& list);

}  // namespace ps::files
