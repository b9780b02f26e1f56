#include "files/images.hpp"

#include <vips/vips.h>

#include <mutex>
#include <utility>

// The only file that includes libvips (CMakeLists.txt builds it apart from the rest, so that
// glib's twenty include folders stay here). libvips is asked for the loaders of the five types
// we accept by name, never its guess from the bytes: its other loaders (SVG, PDF, matrix
// formats…) are more code for a hostile file to reach.
namespace ps::files {

namespace {

// libvips is set up once per process (vips_init is not to be called twice), on first use.
void start_vips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("petitesalle") != 0) return;
    // One thread per image: an upload must not take both cores of a small server from the
    // requests, and two uploads at once use two pool threads anyway.
    vips_concurrency_set(1);
    // No cache of operations: every image is new, and a cache would keep photos in memory.
    vips_cache_set_max(0);
    // Loaders that libvips marks as unfit for untrusted input stay off.
    vips_block_untrusted_set(TRUE);
  });
}

// Owns one reference to a VipsImage.
class image {
 public:
  image() = default;
  explicit image(VipsImage* p) : p_(p) {}
  image(image&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  image& operator=(image&& o) noexcept {
    if (this != &o) {
      reset();
      p_ = std::exchange(o.p_, nullptr);
    }
    return *this;
  }
  image(const image&) = delete;
  image& operator=(const image&) = delete;
  ~image() { reset(); }

  VipsImage* get() const { return p_; }
  VipsImage** out() {
    reset();
    return &p_;
  }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  void reset() {
    if (p_) g_object_unref(p_);
    p_ = nullptr;
  }
  VipsImage* p_ = nullptr;
};

// libvips' error text, taken (its buffer is per thread, and cleared here).
std::string vips_failure() {
  std::string text = vips_error_buffer();
  vips_error_clear();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? "libvips failed" : text;
}

image_outcome failed(image_problem why, std::string detail) {
  image_outcome out;
  out.problem = why;
  out.detail = std::move(detail);
  return out;
}

// The loader for a type we accept, reading lazily: only the header until pixels are asked for.
// Truncated or damaged data fails (fail_on error) rather than giving a half-grey picture.
int load(std::string_view type, const char* path, VipsImage** out) {
  if (type == "image/jpeg") return vips_jpegload(path, out, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
  if (type == "image/png") return vips_pngload(path, out, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
  if (type == "image/webp") return vips_webpload(path, out, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
  if (type == "image/heic" || type == "image/heif")
    return vips_heifload(path, out, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
  if (type == "image/gif")
    return vips_gifload(path, out, "n", -1, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
  vips_error("petitesalle", "not an image type we process");
  return -1;
}

std::int64_t pixels_of(VipsImage* img) {
  // A GIF loaded with all its frames is one tall image: its height is the frames' total.
  return static_cast<std::int64_t>(vips_image_get_width(img)) * vips_image_get_height(img);
}

// What a phone's camera records in a colour space other than sRGB (an iPhone's Display P3) is
// converted to sRGB before its profile goes with the rest of the metadata; an image without a
// profile, or with one libvips cannot use, is left as it is.
image in_srgb(image img) {
  if (!vips_image_get_typeof(img.get(), VIPS_META_ICC_NAME)) return img;
  image converted;
  if (vips_icc_transform(img.get(), converted.out(), "srgb", "embedded", TRUE, nullptr) != 0) {
    vips_error_clear();
    return img;
  }
  return converted;
}

// A copy of the image without any metadata block: libvips' "strip" leaves a WebP's EXIF in
// 8.14, so every field that is not the pixels' own description is removed by name as well.
image without_metadata(const image& img) {
  image copy;
  if (vips_copy(img.get(), copy.out(), nullptr) != 0) return copy;
  gchar** fields = vips_image_get_fields(copy.get());
  for (gchar** f = fields; f && *f; ++f) {
    const std::string_view name(*f);
    if (name.starts_with("exif-") || name == VIPS_META_XMP_NAME || name == VIPS_META_IPTC_NAME ||
        name == VIPS_META_ICC_NAME || name == VIPS_META_PHOTOSHOP_NAME ||
        name == VIPS_META_IMAGEDESCRIPTION || name.starts_with("png-comment") ||
        name == VIPS_META_ORIENTATION || name == "gif-comment" || name == "heif-primary")
      vips_image_remove(copy.get(), *f);
  }
  g_strfreev(fields);
  return copy;
}

int save_stored(VipsImage* img, std::string_view type, const char* path) {
  if (type == "image/png") return vips_pngsave(img, path, "strip", TRUE, nullptr);
  if (type == "image/webp") return vips_webpsave(img, path, "Q", 90, "strip", TRUE, nullptr);
  return vips_jpegsave(img, path, "Q", 90, "strip", TRUE, "optimize_coding", TRUE, nullptr);
}

// A reduced copy of the stored file (already upright and without metadata), as WebP.
int save_reduced(const std::filesystem::path& from, const std::filesystem::path& to, int size,
                 int quality) {
  image small;
  if (vips_thumbnail(from.c_str(), small.out(), size, "height", size, "size", VIPS_SIZE_DOWN,
                     nullptr) != 0)
    return -1;
  return vips_webpsave(small.get(), to.c_str(), "Q", quality, "strip", TRUE, nullptr);
}

image_outcome process_gif(const std::filesystem::path& upload, image all_frames) {
  // Kept as sent, so that it moves; decoding the first frame proves it is a GIF at all.
  const int page_height = vips_image_get_page_height(all_frames.get());
  image first;
  double mean = 0;
  if (vips_gifload(upload.c_str(), first.out(), "fail_on", VIPS_FAIL_ON_ERROR, nullptr) != 0 ||
      vips_avg(first.get(), &mean, nullptr) != 0)
    return failed(image_problem::unreadable, vips_failure());
  image_outcome out;
  out.image.emplace();
  out.image->stored = upload;
  out.image->content_type = "image/gif";
  out.image->width = vips_image_get_width(all_frames.get());
  out.image->height = page_height;
  return out;
}

}  // namespace

bool is_processable_image(std::string_view t) {
  return t == "image/jpeg" || t == "image/png" || t == "image/webp" || t == "image/gif" ||
         t == "image/heic" || t == "image/heif";
}

image_outcome process_image(const std::filesystem::path& upload, std::string_view content_type,
                            const std::filesystem::path& work_folder, std::string_view stem) {
  start_vips();
  image source;
  if (load(content_type, upload.c_str(), source.out()) != 0)
    return failed(image_problem::unreadable, vips_failure());
  if (pixels_of(source.get()) > max_image_pixels)
    return failed(image_problem::too_large, "over the pixel limit");
  if (content_type == "image/gif") return process_gif(upload, std::move(source));

  // HEIC (and HEIF) is stored as JPEG: few browsers but Safari show it.
  const std::string stored_type = content_type == "image/heic" || content_type == "image/heif"
                                      ? "image/jpeg"
                                      : std::string(content_type);
  image upright;
  if (vips_autorot(source.get(), upright.out(), nullptr) != 0)
    return failed(image_problem::unreadable, vips_failure());
  image shown = without_metadata(in_srgb(std::move(upright)));
  if (!shown) return failed(image_problem::unreadable, vips_failure());

  const std::string base(stem);
  processed_image made;
  made.stored = work_folder / (base + ".stored");
  made.content_type = stored_type;
  made.width = vips_image_get_width(shown.get());
  made.height = vips_image_get_height(shown.get());
  if (save_stored(shown.get(), stored_type, made.stored.c_str()) != 0) {
    std::error_code ignored;
    std::filesystem::remove(made.stored, ignored);
    return failed(image_problem::unreadable, vips_failure());
  }
  made.preview = work_folder / (base + ".preview.webp");
  made.thumbnail = work_folder / (base + ".thumb.webp");
  if (save_reduced(made.stored, *made.preview, preview_size, 80) != 0 ||
      save_reduced(made.stored, *made.thumbnail, thumbnail_size, 75) != 0) {
    std::error_code ignored;
    for (const auto& p : {made.stored, *made.preview, *made.thumbnail})
      std::filesystem::remove(p, ignored);
    return failed(image_problem::unreadable, vips_failure());
  }
  image_outcome out;
  out.image = std::move(made);
  return out;
}

bool write_sample_image(const std::filesystem::path& file, std::string_view format, int width,
                        int height, int orientation, bool with_location) {
  start_vips();
  // A diagonal gradient: every part of it differs, so a rotation shows in the result.
  image xy, band3, img;
  if (vips_xyz(xy.out(), width, height, nullptr) != 0) return false;
  image x, y;
  if (vips_extract_band(xy.get(), x.out(), 0, nullptr) != 0 ||
      vips_extract_band(xy.get(), y.out(), 1, nullptr) != 0)
    return false;
  VipsImage* bands[] = {x.get(), y.get(), x.get()};
  if (vips_bandjoin(bands, band3.out(), 3, nullptr) != 0 ||
      vips_cast_uchar(band3.get(), img.out(), nullptr) != 0)
    return false;
  image copy;
  if (vips_copy(img.get(), copy.out(), nullptr) != 0) return false;
  if (orientation != 1) vips_image_set_int(copy.get(), VIPS_META_ORIENTATION, orientation);
  if (with_location) {
    vips_image_set_string(copy.get(), "exif-ifd3-GPSLatitudeRef", "N");
    vips_image_set_string(copy.get(), "exif-ifd3-GPSLatitude", "46/1 48/1 0/1");
    vips_image_set_string(copy.get(), "exif-ifd0-Make", "Petite Salle test camera");
  }
  int rc = -1;
  if (format == "jpeg") rc = vips_jpegsave(copy.get(), file.c_str(), nullptr);
  if (format == "png") rc = vips_pngsave(copy.get(), file.c_str(), nullptr);
  if (format == "webp") rc = vips_webpsave(copy.get(), file.c_str(), nullptr);
  if (format == "gif") rc = vips_gifsave(copy.get(), file.c_str(), nullptr);
  if (format == "heic")
    rc = vips_heifsave(copy.get(), file.c_str(), "compression", VIPS_FOREIGN_HEIF_COMPRESSION_HEVC,
                       nullptr);
  if (rc != 0) vips_error_clear();
  return rc == 0;
}

std::optional<std::pair<int, int>> image_dimensions(const std::filesystem::path& file) {
  start_vips();
  image img(vips_image_new_from_file(file.c_str(), nullptr));
  if (!img) {
    vips_error_clear();
    return std::nullopt;
  }
  return std::pair{vips_image_get_width(img.get()), vips_image_get_height(img.get())};
}

std::optional<std::string> metadata_field(const std::filesystem::path& file,
                                          const std::string& name) {
  start_vips();
  image img(vips_image_new_from_file(file.c_str(), nullptr));
  if (!img) {
    vips_error_clear();
    return std::nullopt;
  }
  if (!vips_image_get_typeof(img.get(), name.c_str())) return std::nullopt;
  char* text = nullptr;
  if (vips_image_get_as_string(img.get(), name.c_str(), &text) != 0) {
    vips_error_clear();
    return std::nullopt;
  }
  std::string out(text);
  g_free(text);
  return out;
}

}  // namespace ps::files
