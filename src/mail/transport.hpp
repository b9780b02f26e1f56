#pragma once

#include <filesystem>
#include <functional>
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

// Turns a formatted message (RFC 5322, CRLF line ends) into the one sent: DKIM signing
// (mail/dkim.hpp) adds its header fields. Called from the outbox's threads, so it must be
// thread-safe. Empty: sent as formatted.
using signer = std::function<std::string(std::string message)>;

// The message a transport hands over: formatted, then signed when `sign` is set.
std::string render(const email& e, const signer& sign);

// Writes each email as one file in the maildir DIR/{tmp,new,cur} (created if missing): write
// to tmp/, fsync, rename to new/, under a unique name. Good for development and tests, and
// for a local MDA to pick up.
std::unique_ptr<transport> make_maildir_transport(std::filesystem::path maildir, signer sign = {});

struct smtp_settings {
  std::string url;  // smtp://host:port or smtps://host:port
  std::string username, password;
  bool require_tls = false;  // STARTTLS on smtp://, refusing to go on without it
  long timeout_seconds = 30;
};

// Sends through an SMTP relay with libcurl (STARTTLS when require_tls, AUTH when a username is
// set). 4xx replies and connection errors are retryable, 5xx replies are not. One transport
// keeps its connection open between emails (libcurl's connection cache), so give each sending
// thread its own.
std::unique_ptr<transport> make_smtp_transport(smtp_settings settings, signer sign = {});

}  // namespace ps::mail
