#include "core/clock.hpp"

#include <cstdio>

namespace ps {

std::string iso8601(millis t) {
  // Civil date from days since the epoch (Howard Hinnant's algorithm, as in <chrono>), written
  // by hand: this runs for every time in every response, and streams cost far more.
  millis days = t >= 0 ? t / 86'400'000 : (t - 86'399'999) / 86'400'000;
  millis in_day = t - days * 86'400'000;
  days += 719468;
  const millis era = (days >= 0 ? days : days - 146096) / 146097;
  const millis doe = days - era * 146097;
  const millis yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const millis doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const millis mp = (5 * doy + 2) / 153;
  const millis day = doy - (153 * mp + 2) / 5 + 1;
  const millis month = mp < 10 ? mp + 3 : mp - 9;
  const millis year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buffer[96];  // room for any int64 fields, though real dates take 24
  std::snprintf(buffer, sizeof buffer, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(year), static_cast<long long>(month), static_cast<long long>(day),
                static_cast<long long>(in_day / 3'600'000), static_cast<long long>(in_day / 60'000 % 60),
                static_cast<long long>(in_day / 1000 % 60), static_cast<long long>(in_day % 1000));
  return buffer;
}

}  // namespace ps
