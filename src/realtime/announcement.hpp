#pragma once
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

// Reading the one-line announcements nodes send each other (docs/subsystems/database.md,
// "What travels"): words separated by single spaces, numbers in decimal.
namespace ps::realtime::announcement {

// The first `count` words of `line`, then the rest of it (possibly empty) as one more element.
inline std::vector<std::string_view> split(std::string_view line, std::size_t count) {
  std::vector<std::string_view> out;
  while (out.size() < count && !line.empty()) {
    const auto space = line.find(' ');
    out.push_back(line.substr(0, space));
    line = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
  }
  out.push_back(line);
  return out;
}

// A whole word as a number; nothing when it is not exactly one.
inline std::optional<std::int64_t> number(std::string_view word) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
  if (word.empty() || ec != std::errc{} || end != word.data() + word.size()) return std::nullopt;
  return n;
}

}  // namespace ps::realtime::announcement
