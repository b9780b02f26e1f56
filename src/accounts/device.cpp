#include "accounts/device.hpp"

#include <cstddef>
#include <optional>

#include "core/text.hpp"

// Our own small parser, not a library: Debian 12 packages no User-Agent parser for C++. Its
// uap-core is only the regular expressions (9 MB of YAML) that the uap-* libraries of other
// languages load; using it would take a YAML reader, a PCRE-compatible engine and a data file
// at run time, for a summary that needs a dozen families and only has to let a person recognise
// their own phone or laptop. Tokens are looked for in order, the most specific first, since
// browsers quote each other: Edge says "Chrome/" and "Safari/", Chrome says "Safari/", Android
// says "Linux", and an iPhone says "like Mac OS X".
namespace ps::accounts {
namespace {

// A token and the name of the family it shows.
struct family {
  std::string_view token;
  std::string_view name;
};

// One family a line, most specific first.
// clang-format off
constexpr family browsers[] = {
    {"Edg/", "Edge"},
    {"EdgA/", "Edge"},
    {"EdgiOS/", "Edge"},
    {"Edge/", "Edge"},
    {"OPR/", "Opera"},
    {"OPiOS/", "Opera"},
    {"Opera", "Opera"},
    {"SamsungBrowser/", "Samsung Internet"},
    {"Vivaldi/", "Vivaldi"},
    {"Firefox/", "Firefox"},
    {"FxiOS/", "Firefox"},
    {"CriOS/", "Chrome"},
    {"Chromium/", "Chromium"},
    {"Chrome/", "Chrome"},  // HeadlessChrome/ too
    {"MSIE ", "Internet Explorer"},
    {"Trident/", "Internet Explorer"},
    {"Safari/", "Safari"},
    {"curl/", "curl"},
    {"Wget/", "Wget"},
    {"python-requests/", "Python Requests"},
};

constexpr family systems[] = {
    {"iPhone", "iPhone"},
    {"iPad", "iPad"},
    {"iPod", "iPod touch"},
    {"Android", "Android"},
    {"CrOS", "ChromeOS"},
    {"Windows", "Windows"},
    {"Macintosh", "macOS"},
    {"Mac OS X", "macOS"},
    {"FreeBSD", "FreeBSD"},
    {"Linux", "Linux"},
    {"X11", "Linux"},
};
// clang-format on

template <std::size_t n>
std::optional<std::string_view> first_found(std::string_view text, const family (&families)[n]) {
  for (const family& f : families)
    if (text.find(f.token) != std::string_view::npos) return f.name;
  return std::nullopt;
}

}  // namespace

std::string stored_user_agent(std::string_view user_agent) {
  std::string out = text::to_valid_utf8(user_agent);
  if (out.size() <= max_user_agent_bytes) return out;
  std::size_t end = max_user_agent_bytes;
  // Back up over continuation bytes (10xxxxxx) so that no character is cut in two.
  while (end > 0 && (static_cast<unsigned char>(out[end]) & 0xC0) == 0x80) --end;
  out.resize(end);
  return out;
}

std::string device_of(std::string_view user_agent) {
  const auto browser = first_found(user_agent, browsers);
  const auto system = first_found(user_agent, systems);
  if (browser && system) return std::string(*browser) + " on " + std::string(*system);
  if (browser) return std::string(*browser);
  if (system) return std::string(*system);
  return "Unknown device";
}

}  // namespace ps::accounts
