#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "mail/email.hpp"

// libcurl must be initialised once, before any thread starts: the program's main() calls
// curl_global_init(CURL_GLOBAL_DEFAULT) (and curl_global_cleanup() on the way out). The SMTP
// transport does not do it itself because that call is not thread-safe on older libcurl.
namespace ps::mail {

// Hands one email to whatever delivers it. deliver() blocks (the SMTP one for up to its
// timeout): call it from the outbox worker, never from a network thread.
class transport {
 public:
  virtual ~transport() = default;
  virtual delivery_result deliver(const email& e) = 0;
};

// Writes each email as one file in the maildir DIR/{tmp,new,cur} (created if missing): write
// to tmp/, fsync, rename to new/, under a unique name. Good for development and tests, and
// for a local MDA to pick up.
std::unique_ptr<transport> make_maildir_transport(std::filesystem::path maildir);

struct smtp_settings {
  std::string url;  // smtp://host:port or smtps://host:port
  std::string username, password;
  bool require_tls = false;  // STARTTLS on smtp://, refusing to go on without it
  long timeout_seconds = 30;
};

// Sends through an SMTP relay with libcurl (STARTTLS when require_tls, AUTH when a username is
// set). 4xx replies and connection errors are retryable, 5xx replies are not.
std::unique_ptr<transport> make_smtp_transport(smtp_settings settings);

}  // namespace ps::mail
