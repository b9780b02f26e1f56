#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

// Photos made safe to share and quick to show (libvips, Debian's libvips42): the orientation a
// camera recorded is applied, every metadata block (EXIF with its GPS position, XMP, IPTC,
// comments) is dropped by re-encoding, and a preview and a thumbnail are made. Called on the
// blocking pool only: decoding a photo takes tens of milliseconds to seconds.
namespace ps::files {

// No image decodes to more than this many pixels (all of a GIF's frames together): a small file
// that claims gigapixels (an image bomb) is refused from its header, before any decoding.
inline constexpr std::int64_t max_image_pixels = 50'000'000;
inline constexpr int preview_size = 1600;   // the longer side, at most
inline constexpr int thumbnail_size = 400;  // the longer side, at most

// Whether `content_type` (from the bytes) is an image we process: JPEG, PNG, WebP, GIF, HEIC.
bool is_processable_image(std::string_view content_type);

enum class image_problem { too_large, unreadable };

// What became of an image: the file to store (in `work_folder`), its type (an iPhone's HEIC
// becomes a JPEG, which every browser shows), its size as shown, and its WebP preview and
// thumbnail (none for a GIF, which is kept as sent so that it moves).
struct processed_image {
  std::filesystem::path stored;
  std::string content_type;
  std::int64_t width = 0, height = 0;
  std::optional<std::filesystem::path> preview, thumbnail;
};
struct image_outcome {
  std::optional<processed_image> image;
  std::optional<image_problem> problem;
  std::string detail;  // libvips' words, for the log
};

// `upload` holds an image of `content_type` (is_processable_image). The files it makes are
// named after `stem` in `work_folder`; the caller moves or removes them.
image_outcome process_image(const std::filesystem::path& upload, std::string_view content_type,
                            const std::filesystem::path& work_folder, std::string_view stem);

// For tests and the benchmark: writes a `width`×`height` picture in `format` ("jpeg", "png",
// "webp", "gif" or "heic"), with an EXIF orientation tag (1–8, JPEG only) and a GPS position
// in its EXIF when `with_location`. False when libvips cannot write that format.
bool write_sample_image(const std::filesystem::path& file, std::string_view format, int width,
                        int height, int orientation = 1, bool with_location = false);

// The width and height a file's header gives (libvips), for tests.
std::optional<std::pair<int, int>> image_dimensions(const std::filesystem::path& file);
// A metadata field as libvips reads it ("exif-ifd3-GPSLatitude", "exif-ifd0-Make"), for tests.
std::optional<std::string> metadata_field(const std::filesystem::path& file,
                                          const std::string& name);

}  // namespace ps::files
