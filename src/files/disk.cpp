#include "files/disk.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <system_error>

namespace ps::files {

namespace {

// Owns a descriptor.
class descriptor {
 public:
  explicit descriptor(int fd) : fd_(fd) {}
  descriptor(descriptor&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  descriptor(const descriptor&) = delete;
  descriptor& operator=(const descriptor&) = delete;
  ~descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

descriptor open_or_throw(const std::filesystem::path& path, int flags) {
  descriptor d(::open(path.c_str(), flags | O_CLOEXEC));
  if (d.get() < 0) throw std::system_error(errno, std::generic_category(), path.string());
  return d;
}

}  // namespace

std::filesystem::path files_folder(const config& cfg) {
  if (cfg.files_dir) return *cfg.files_dir;
  return cfg.data_dir / "files";
}

std::filesystem::path blob_path(const std::filesystem::path& folder, std::int64_t community_id,
                                const std::string& sha256, std::int64_t blob_id, variant v) {
  std::string name = sha256 + "-" + std::to_string(blob_id);
  if (v == variant::preview) name += ".preview.webp";
  if (v == variant::thumbnail) name += ".thumb.webp";
  return folder / std::to_string(community_id) / sha256.substr(0, 2) / name;
}

std::string sha256_of_file(const std::filesystem::path& file) {
  descriptor d = open_or_throw(file, O_RDONLY);
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::array<unsigned char, 64 * 1024> piece;
  for (;;) {
    const ssize_t n = ::read(d.get(), piece.data(), piece.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), file.string());
    }
    if (n == 0) break;
    crypto_hash_sha256_update(&state, piece.data(), static_cast<unsigned long long>(n));
  }
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest;
  crypto_hash_sha256_final(&state, digest.data());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex;
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), digest.size() * 2);
}

void sync_to_disk(const std::filesystem::path& path) {
  descriptor d = open_or_throw(path, O_RDONLY);
  if (::fsync(d.get()) != 0) throw std::system_error(errno, std::generic_category(), path.string());
}

void remove_blob_files(const std::filesystem::path& folder, std::int64_t community_id,
                       const std::string& sha256, std::int64_t blob_id) {
  for (auto v : {variant::original, variant::preview, variant::thumbnail}) {
    std::error_code ignored;
    std::filesystem::remove(blob_path(folder, community_id, sha256, blob_id, v), ignored);
  }
}

}  // namespace ps::files
