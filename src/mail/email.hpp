#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace ps::mail {

// One outgoing email, plain text only.
struct email {
  std::string from;        // "Petite Salle <noreply@localhost>" or a bare address
  std::string to;          // bare address
  std::string subject;     // UTF-8
  std::string text_body;   // UTF-8 plain text
  std::string message_id;  // unique id without angle brackets, e.g. "outbox-42@petitesalle"
};

// What happened to one delivery attempt: the outbox retries only when retryable.
struct delivery_result {
  bool delivered = false;
  bool retryable = false;
  std::string error;
};

// Why `e` cannot be sent as it is (an address with spaces or line breaks, no '@', ...), or
// nothing when it can. Transports refuse such an email for good: retrying would not help.
std::optional<std::string> find_problem(const email& e);

// The bare address of a From field: "Name <a@b>" -> "a@b", "a@b" -> "a@b".
std::string address_of(const std::string& from);

// RFC 5322 text of the email with CRLF line ends: Date, From, To, Subject (RFC 2047 encoded
// words when not plain ASCII), Message-ID, MIME-Version, Content-Type: text/plain;
// charset=UTF-8 and a quoted-printable body. Line breaks in header fields are dropped, so a
// subject cannot add headers, and invalid UTF-8 becomes U+FFFD.
std::string format_rfc5322(const email& e, std::chrono::system_clock::time_point now);

}  // namespace ps::mail
