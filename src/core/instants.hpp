#pragma once
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace ps {

// An instant from RFC 3339 with an offset ("2026-12-03T20:00:00-05:00", "…Z"), or from a
// wall-clock time ("2026-12-03T20:00", or a day alone, "2026-12-03", meaning its midnight) in
// the zone `tz`: nothing for a malformed text, an hour
// the spring's change skips there, or an unknown zone. A time the fall repeats is its first.
std::optional<millis> instant_of(const std::string& text, const std::string& tz);

}  // namespace ps

namespace ps {

// Whether `name` is a time zone the tz database knows ("America/Toronto").
bool known_zone(const std::string& name);
// The local wall clock of `at` in `tz`, as minutes after midnight (0–1439); nothing for an
// unknown zone.
std::optional<int> minute_of_day(millis at, const std::string& tz);
// The first instant at or after `after` when the wall clock in `tz` reads `minute` (minutes
// after midnight). A minute the spring's change skips that day comes at the change. Nothing
// for an unknown zone.
std::optional<millis> next_local_minute(millis after, int minute, const std::string& tz);

}  // namespace ps
