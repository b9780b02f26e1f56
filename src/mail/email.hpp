#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ps::mail {

// One outgoing email: plain text, and HTML beside it when html_body is set.
struct email {
  std::string from;            // "Petite Salle <noreply@localhost>" or a bare address
  std::string to;              // bare address
  std::string subject;         // UTF-8
  std::string text_body;       // UTF-8 plain text
  std::string message_id;      // unique id without angle brackets, e.g. "outbox-42@petitesalle"
  std::string html_body = {};  // UTF-8 HTML; empty: a text/plain email
  std::string reply_to = {};   // a bare address, or empty
  // More header fields, in order: List-Unsubscribe, List-Unsubscribe-Post, List-Id… Names must
  // be letters, digits and '-' (others are left out); values are made one line like the rest.
  std::vector<std::pair<std::string, std::string>> headers = {};
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

// RFC 5322 text of the email with CRLF line ends: Date, From, To, Reply-To, Subject (RFC 2047
// encoded words when not plain ASCII), Message-ID, the extra headers, MIME-Version, then a
// quoted-printable text/plain; charset=UTF-8 body, or with an HTML body a multipart/alternative
// of the text part and the HTML part (RFC 2046: the last part is the one preferred). Line
// breaks in header fields are dropped, so a subject cannot add headers, and invalid UTF-8
// becomes U+FFFD.
std::string format_rfc5322(const email& e, std::chrono::system_clock::time_point now);

}  // namespace ps::mail
