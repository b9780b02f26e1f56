#include "http/temp_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

#include "core/secrets.hpp"

namespace ps::http {

std::filesystem::path temp_folder(const std::filesystem::path& data_dir) {
  return data_dir / "tmp";
}

void prepare_temp_folder(const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    std::filesystem::remove_all(entry.path());
}

temp_file temp_file::create(const std::filesystem::path& folder) {
  // A random name, created exclusively: two uploads never share a file, and nothing already
  // there (a link someone planted) is opened instead.
  auto path = folder / ("upload-" + secrets::random_token(18));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "create " + path.string());
  return temp_file(std::move(path), fd);
}

temp_file::temp_file(temp_file&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), size_(other.size_) {
  other.path_.clear();
}

temp_file& temp_file::operator=(temp_file&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::move(other.path_);
    other.path_.clear();
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
  }
  return *this;
}

temp_file::~temp_file() {
  remove();
}

void temp_file::append(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "write " + path_.string());
    bytes.remove_prefix(static_cast<std::size_t>(n));
    size_ += static_cast<std::uint64_t>(n);
  }
}

void temp_file::finish() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
}

void temp_file::move_to(const std::filesystem::path& target) {
  finish();
  std::filesystem::rename(path_, target);
  path_.clear();
}

void temp_file::remove() {
  finish();
  if (path_.empty()) return;
  std::error_code ignored;  // already gone (a handler moved it by hand): nothing to do
  std::filesystem::remove(path_, ignored);
  path_.clear();
}

}  // namespace ps::http
