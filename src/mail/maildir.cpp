#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "mail/transport.hpp"

namespace ps::mail {
namespace {

namespace fs = std::filesystem;

// Owns a file descriptor. close() is explicit as well because its error matters: on some
// file systems it is where a failed write shows up.
class unique_fd {
 public:
  explicit unique_fd(int fd) : fd_(fd) {}
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

// Removes the file in tmp/ unless the delivery got as far as moving it to new/.
class remove_unless_released {
 public:
  explicit remove_unless_released(fs::path path) : path_(std::move(path)) {}
  remove_unless_released(const remove_unless_released&) = delete;
  remove_unless_released& operator=(const remove_unless_released&) = delete;
  ~remove_unless_released() {
    std::error_code ignored;  // best effort: a stray file in tmp/ harms nobody
    if (!path_.empty()) fs::remove(path_, ignored);
  }
  void release() { path_.clear(); }

 private:
  fs::path path_;
};

delivery_result io_failure(std::string_view what, const fs::path& path, int error) {
  // Full disks and permissions get fixed by an operator: worth retrying.
  return {false, true,
          "maildir: " + std::string(what) + " " + path.string() + ": " + std::strerror(error)};
}

// Maildir files use LF line ends: mail readers and MDAs expect Unix text on disk.
std::string with_lf_line_ends(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\r' && i + 1 < message.size() && message[i + 1] == '\n') continue;
    out += message[i];
  }
  return out;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) {
      errno = EIO;  // a regular file never does this; make sure errno says something
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// The host part of a maildir name, with '/' and ':' escaped as the maildir convention asks.
std::string maildir_host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') return "localhost";
  std::string host;
  for (const char* p = buffer; *p != '\0'; ++p) {
    if (*p == '/') {
      host += "\\057";
    } else if (*p == ':') {
      host += "\\072";
    } else {
      host += *p;
    }
  }
  return host;
}

class maildir_transport final : public transport {
 public:
  maildir_transport(fs::path dir, signer sign)
      : dir_(std::move(dir)),
        sign_(std::move(sign)),
        host_(maildir_host_name()),
        instance_(std::random_device{}()) {}

  delivery_result deliver(const email& e) override {
    if (auto problem = find_problem(e)) return {false, false, *problem};
    for (const char* sub : {"tmp", "new", "cur"}) {
      std::error_code error;
      fs::create_directories(dir_ / sub, error);
      if (error) return io_failure("cannot create", dir_ / sub, error.value());
    }
    const std::string message = with_lf_line_ends(render(e, sign_));
    const std::string name = unique_name();
    const fs::path tmp = dir_ / "tmp" / name;
    const fs::path final_path = dir_ / "new" / name;

    // O_EXCL: were the name ever not unique, we fail instead of overwriting another email.
    unique_fd file(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!file.valid()) return io_failure("cannot create", tmp, errno);
    remove_unless_released cleanup(tmp);
    if (!write_all(file.get(), message)) return io_failure("cannot write", tmp, errno);
    if (::fsync(file.get()) != 0) return io_failure("cannot fsync", tmp, errno);
    if (file.close() != 0) return io_failure("cannot close", tmp, errno);
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
      return io_failure("cannot move", final_path, errno);
    }
    cleanup.release();
    // The rename is only durable once the directory is synced too. Its failure is ignored:
    // the email is in new/ already, and a retry would deliver it twice.
    unique_fd new_dir(::open((dir_ / "new").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (new_dir.valid()) ::fsync(new_dir.get());
    return {true, false, {}};
  }

 private:
  // "<seconds>.M<microseconds>P<pid>R<instance>Q<counter>.<host>": time, process and host as
  // maildir asks, plus a random tag per transport and a counter, so two transports in one
  // process and two emails in one microsecond still get different names.
  std::string unique_name() {
    using namespace std::chrono;
    const auto now = system_clock::now().time_since_epoch();
    const auto secs = duration_cast<seconds>(now);
    const auto micros = duration_cast<microseconds>(now - secs);
    return std::to_string(secs.count()) + ".M" + std::to_string(micros.count()) + "P" +
           std::to_string(::getpid()) + "R" + std::to_string(instance_) + "Q" +
           std::to_string(counter_.fetch_add(1)) + "." + host_;
  }

  const fs::path dir_;
  const signer sign_;
  const std::string host_;
  const std::uint32_t instance_;
  std::atomic<std::uint64_t> counter_{0};
};

}  // namespace

std::unique_ptr<transport> make_maildir_transport(fs::path maildir, signer sign) {
  return std::make_unique<maildir_transport>(std::move(maildir), std::move(sign));
}

}  // namespace ps::mail
