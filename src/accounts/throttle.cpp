#include "accounts/throttle.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <iterator>

namespace ps::accounts {

std::string network_of(std::string_view address) {
  const std::string text(address);
  std::array<unsigned char, 16> bytes{};
  if (text.find(':') == std::string::npos || inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1)
    return text;  // IPv4, or anything that is not an IPv6 address: kept whole
  static constexpr unsigned char mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(std::begin(mapped_prefix), std::end(mapped_prefix), bytes.begin())) {
    char v4[INET_ADDRSTRLEN];
    if (inet_ntop(AF_INET, bytes.data() + 12, v4, sizeof v4)) return v4;
  }
  char prefix[40];
  std::snprintf(prefix, sizeof prefix, "%x:%x:%x:%x::/64", unsigned{bytes[0]} << 8 | bytes[1],
                unsigned{bytes[2]} << 8 | bytes[3], unsigned{bytes[4]} << 8 | bytes[5],
                unsigned{bytes[6]} << 8 | bytes[7]);
  return prefix;
}

}  // namespace ps::accounts
