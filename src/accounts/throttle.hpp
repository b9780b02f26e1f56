#pragma once
#include <string>
#include <string_view>

#include "core/rate_limiter.hpp"

// The limits that guard log-in and login links, counted by the app's one rate_limiter.
//
// A guesser is slowed per address and per email+address pair, so that failures from the
// guesser's address never stop the member logging in from their own; a much higher ceiling
// per email stops a guess spread over many addresses, and even then an emailed link still
// works. Login links are limited per email (nobody fills a member's inbox) and per address,
// silently: the answer stays the same 202, so the limit tells nobody which emails have an
// account.
namespace ps::accounts {

namespace limits {
inline constexpr millis window = 15 * 60 * 1000;
// Failed log-ins (wrong password or unknown email), in 15 minutes.
inline constexpr rate_limit log_in_failures_per_email_and_address{"log_in.email+address", 10,
                                                                  window};
inline constexpr rate_limit log_in_failures_per_address{"log_in.address", 30, window};
inline constexpr rate_limit log_in_failures_per_email{"log_in.email", 100, window};
// Login links asked for, in 15 minutes, whether or not the email has an account.
inline constexpr rate_limit login_links_per_email{"login_link.email", 3, window};
inline constexpr rate_limit login_links_per_address{"login_link.address", 20, window};
}  // namespace limits

// The part of a client's address that names one client: an IPv4 address whole (an IPv4-mapped
// IPv6 address as its IPv4 address), an IPv6 address by its /64, which one home or one phone
// gets whole (counting its 2^64 addresses one by one would let one client pass as many).
std::string network_of(std::string_view address);

}  // namespace ps::accounts
