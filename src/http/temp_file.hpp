#pragma once
#include <cstdint>
#include <filesystem>
#include <string_view>

// Bodies too large to keep in memory (uploads) are written to files in the data folder's tmp/,
// which live only as long as the request that needs them.
namespace ps::http {

// DATA/tmp, where upload bodies are written while they arrive.
std::filesystem::path temp_folder(const std::filesystem::path& data_dir);
// Makes the folder, and empties it: what is there was left by a server that stopped in the
// middle of a request (a crash, kill -9), and no request of this one uses it yet.
void prepare_temp_folder(const std::filesystem::path& folder);

// A file that exists only while its owner keeps it: removed with the object, unless moved
// away with move_to(). Its functions touch the disk: call them on the blocking pool.
class temp_file {
 public:
  // A new empty file in `folder` with a random name, readable by this user only.
  // Throws std::system_error when it cannot be made (no folder, no space, no descriptor).
  static temp_file create(const std::filesystem::path& folder);

  temp_file(temp_file&& other) noexcept;
  temp_file& operator=(temp_file&& other) noexcept;
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  ~temp_file();

  // Throws std::system_error (a full disk, for one).
  void append(std::string_view bytes);
  // No more bytes will come: the descriptor is closed, the file is complete at path().
  void finish();
  // Renames the file to `target` (in the data folder: the same filesystem) and gives it up: it
  // is no longer removed. Throws std::filesystem::filesystem_error.
  void move_to(const std::filesystem::path& target);
  // Removes the file now (the destructor would).
  void remove();

  // Empty once moved away or removed.
  const std::filesystem::path& path() const { return path_; }
  std::uint64_t size() const { return size_; }

 private:
  temp_file(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace ps::http
