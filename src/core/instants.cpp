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

bool known_zone(const std::string& name) {
  try {
    return date::locate_zone(name) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

std::optional<int> minute_of_day(millis at, const std::string& tz) {
  using namespace std::chrono;
  if (!known_zone(tz)) return std::nullopt;
  const date::zoned_time<milliseconds> zoned(tz, sys_time<milliseconds>(milliseconds(at)));
  const auto local = zoned.get_local_time();
  const auto since_midnight = local - date::floor<date::days>(local);
  return static_cast<int>(duration_cast<minutes>(since_midnight).count());
}

std::optional<millis> next_local_minute(millis after, int minute, const std::string& tz) {
  using namespace std::chrono;
  if (!known_zone(tz) || minute < 0 || minute >= 24 * 60) return std::nullopt;
  const auto* zone = date::locate_zone(tz);
  const date::zoned_time<milliseconds> zoned(zone, sys_time<milliseconds>(milliseconds(after)));
  auto day = date::floor<date::days>(zoned.get_local_time());
  // Today's, else tomorrow's (two days cover any change of offset).
  for (int i = 0; i < 3; ++i, day += date::days(1)) {
    const date::local_time<milliseconds> wanted = day + minutes(minute);
    const auto at = zone->to_sys(wanted, date::choose::earliest);
    if (at.time_since_epoch().count() >= after) return at.time_since_epoch().count();
  }
  return std::nullopt;
}

}  // namespace ps
