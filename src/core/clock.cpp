#include "core/clock.hpp"

#include <date/date.h>

namespace ps {

std::string iso8601(millis t) {
  std::chrono::sys_time<std::chrono::milliseconds> tp{std::chrono::milliseconds{t}};
  return date::format("%FT%TZ", tp);
}

}  // namespace ps
