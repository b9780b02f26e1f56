// date::parse (Howard Hinnant's date, from Debian) reads seconds into a `long double S` that GCC 12
// at -O2 and above reports as maybe uninitialized inside date.h (-Werror turns it into a failed
// release build; the sanitizer build at -O1 does not see it). The warning is about the library's
// own code, so it is silenced for this file only, which holds nothing but this parsing.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "core/instants.hpp"

#include <date/tz.h>

#include <sstream>

namespace ps {

std::optional<millis> instant_of(const std::string& text, const std::string& tz) {
  using namespace std::chrono;
  for (const char* format : {"%FT%T%Ez", "%FT%TZ", "%FT%R%Ez", "%FT%RZ"}) {
    std::istringstream in(text);
    sys_time<milliseconds> t;
    in >> date::parse(format, t);
    if (!in.fail() && in.peek() == std::char_traits<char>::eof())
      return t.time_since_epoch().count();
  }
  for (const char* format : {"%FT%T", "%FT%R", "%F"}) {
    std::istringstream in(text);
    date::local_time<milliseconds> local;
    in >> date::parse(format, local);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) continue;
    // An hour the spring's change skips is no time at all there.
    try {
      const auto* zone = date::locate_zone(tz.empty() ? "UTC" : tz);
      const auto info = zone->get_info(date::floor<std::chrono::seconds>(local));
      if (info.result == date::local_info::nonexistent) return std::nullopt;
      // A time that happens twice (the hour that repeats in the fall) is its first.
      return zone->to_sys(local, date::choose::earliest).time_since_epoch().count();
    } catch (const std::exception&) {
      return std::nullopt;  // an unknown zone
    }
  }
  return std::nullopt;
}

}  // namespace ps
