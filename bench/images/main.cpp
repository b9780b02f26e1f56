// What an upload of a photo costs the server beside the network: libmagic's sniffing and
// libvips' processing (upright, metadata dropped, re-encoded, preview and thumbnail), on one
// thread, as files::upload does it on the blocking pool. Prints one RESULT line per case with
// the median of its runs, in milliseconds.
//
//   ps_image_bench [runs]        (default 5)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "files/images.hpp"
#include "files/sniff.hpp"

namespace {

struct case_t {
  const char* name;
  const char* format;
  int width, height;
};

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const auto folder = std::filesystem::temp_directory_path() / "ps-image-bench";
  std::filesystem::create_directories(folder);
  const case_t cases[] = {
      {"photo_12mpx_jpeg", "jpeg", 4032, 3024},  // an iPhone's or a recent Android's photo
      {"photo_3mpx_jpeg", "jpeg", 2000, 1500},
      {"screenshot_png", "png", 1170, 2532},
      {"photo_12mpx_heic", "heic", 4032, 3024},
  };
  for (const auto& c : cases) {
    const auto source = folder / (std::string(c.name) + ".src");
    if (!ps::files::write_sample_image(source, c.format, c.width, c.height, 6, true)) {
      std::printf("SKIP %s: libvips cannot write %s\n", c.name, c.format);
      continue;
    }
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
      const auto start = std::chrono::steady_clock::now();
      const std::string type = ps::files::sniff_type(source);
      auto out = ps::files::process_image(source, type, folder, "out");
      const auto end = std::chrono::steady_clock::now();
      if (!out.image) {
        std::printf("FAIL %s: %s\n", c.name, out.detail.c_str());
        return 1;
      }
      ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("RESULT %s bytes=%ju median_ms=%.1f min_ms=%.1f max_ms=%.1f runs=%d\n", c.name,
                static_cast<std::uintmax_t>(std::filesystem::file_size(source)), ms[ms.size() / 2],
                ms.front(), ms.back(), runs);
  }
  std::filesystem::remove_all(folder);
  return 0;
}
