#include "core/clock.hpp"


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
  // "YYYY-MM-DDTHH:MM:SS.mmmZ", digits written by hand (years 0–9999).
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&](std::size_t at, millis value, int width) {
    for (int k = width - 1; k >= 0; --k, value /= 10) out[at + static_cast<std::size_t>(k)] = static_cast<char>('0' + value % 10);
  };
  put(0, year, 4);
  put(5, month, 2);
  put(8, day, 2);
  put(11, in_day / 3'600'000, 2);
  put(14, in_day / 60'000 % 60, 2);
  put(17, in_day / 1000 % 60, 2);
  put(20, in_day % 1000, 3);
  return out;
}

}  // namespace ps
