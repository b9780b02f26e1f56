#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/commands.hpp"
#include "mail/dkim.hpp"

namespace ps::cli {

namespace {

// Creates `path` with mode 0600 and writes `text` into it; false (errno set) when it exists or
// cannot be written. O_EXCL makes "refuse to overwrite" one step with the creation (no window
// for another file, or a symbolic link, to appear between a check and the open), and the mode
// is the file's from its first instant rather than fixed after the key is in it.
bool write_new_private_file(const std::filesystem::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = ::fchmod(fd, 0600) == 0;  // the umask only takes bits away; this is exact
  for (std::size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());  // half a key would only fail later, less clearly
    errno = saved;
  }
  return ok;
}

}  // namespace

int dkim_keygen(const std::string& algorithm, const std::string& selector,
                const std::string& domain, const std::filesystem::path& out) {
  const mail::dkim_generated key = mail::generate_dkim_key(algorithm, selector, domain);
  if (!write_new_private_file(out, key.private_pem)) {
    if (errno == EEXIST)
      spdlog::error(
          "{} exists: dkim-keygen never replaces a key (remove the file first if you mean to, "
          "and publish the new record: the old one will no longer match)",
          out.string());
    else
      spdlog::error("cannot write {}: {}", out.string(), std::strerror(errno));
    return 1;
  }
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(out, ec);
  const std::string file = ec ? out.string() : absolute.string();
  std::cout << "Wrote the private key to " << file
            << " (mode 0600: keep it secret, readable by the server only).\n\n"
            << "Publish this DNS record:\n"
            << "  name:  " << key.dns_name << "\n"
            << "  type:  TXT\n"
            << "  value: " << key.dns_txt << "\n\n"
            << "In a zone file (a TXT string holds 255 characters at most):\n"
            << "  " << key.dns_name << ". IN TXT " << key.zone_txt << "\n\n"
            << "Then sign with it: petitesalle serve --dkim-domain " << domain << " --dkim-key "
            << selector << ":" << file << "\n";
  return 0;
}

}  // namespace ps::cli
