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
