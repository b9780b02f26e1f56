#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

struct sockaddr;

// Posts encrypted pushes to push services (RFC 8030 §5) with libcurl's multi interface: many
// at once over reused connections, from the courier's thread. Never follows a redirect, and
// connects only to public addresses (a subscription's endpoint is the member's to choose: it
// must not make the server post into the operator's own network), unless `allow_loopback`.
namespace ps::push {

struct outgoing {
  std::string endpoint;
  std::string body;           // the aes128gcm body (push/crypto.hpp)
  std::string authorization;  // vapid t=…, k=…
  std::string urgency = "normal";
  int ttl_seconds = 24 * 3600;
};

// The push service's answer: its HTTP status, or 0 and why when none came.
struct delivery {
  long status = 0;
  std::string error;
};

struct send_options {
  bool allow_loopback = false;
  long timeout_ms = 10'000;
  long parallel = 16;
};

std::vector<delivery> send_all(std::span<const outgoing> pushes, const send_options& options);

// Whether a connection to `address` may be made for a push: not loopback, private, link-local,
// unspecified or multicast (IPv4, IPv6, and IPv4 mapped into IPv6).
bool is_public_address(const sockaddr* address);
// The same for a host written as an address literal; true for a name (checked at connect).
bool is_public_host(const std::string& host);

}  // namespace ps::push
