#include "http/file_response.hpp"

#include <fmt/format.h>

#include <charconv>
#include <ctime>

namespace ps::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Digits only (from_chars would take a sign, and nothing may follow them).
std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty() || s.front() < '0' || s.front() > '9') return std::nullopt;
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return n;
}

std::string_view without_weak(std::string_view tag) {
  return tag.starts_with("W/") ? tag.substr(2) : tag;
}

}  // namespace

response file_response(std::filesystem::path path, std::string content_type,
                       std::string download_name) {
  response r;
  r.content_type = std::move(content_type);
  r.file = file_body{std::move(path), std::move(download_name)};
  return r;
}

std::string file_etag(const file_facts& f) {
  return fmt::format("\"{:x}-{:x}-{:x}\"", f.inode, f.size, static_cast<std::uint64_t>(f.mtime_ns));
}

std::string http_date(std::int64_t unix_seconds) {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", days[tm.tm_wday], tm.tm_mday,
                     months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

bool none_match_fails(std::string_view if_none_match, std::string_view etag) {
  if (trim(if_none_match) == "*") return true;
  std::string_view rest = if_none_match;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view tag = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (!tag.empty() && without_weak(tag) == without_weak(etag)) return true;
  }
  return false;
}

range_ask parse_range(std::string_view header, std::uint64_t size) {
  header = trim(header);
  if (!header.starts_with("bytes=")) return {};
  const std::string_view spec = trim(header.substr(6));
  // Several ranges would need a multipart answer; the whole file is a correct one too.
  if (spec.find(',') != std::string_view::npos) return {};
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  const std::string_view from = trim(spec.substr(0, dash)), to = trim(spec.substr(dash + 1));
  if (from.empty()) {  // "bytes=-n": the last n bytes
    const auto n = number(to);
    if (!n) return {};
    if (*n == 0 || size == 0) return {range_ask::unsatisfiable, {}};
    return {range_ask::part, {*n >= size ? 0 : size - *n, size - 1}};
  }
  const auto first = number(from);
  if (!first) return {};
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!to.empty()) {
    const auto asked = number(to);
    if (!asked || *asked < *first) return {};  // invalid: ignored, as RFC 9110 says
    last = std::min(last, *asked);
  }
  if (*first >= size) return {range_ask::unsatisfiable, {}};
  return {range_ask::part, {*first, last}};
}

file_plan plan_file_reply(const request& req, const file_facts& f) {
  file_plan plan;
  const std::string etag = file_etag(f);
  plan.headers.emplace_back("ETag", etag);
  plan.headers.emplace_back("Last-Modified", http_date(f.mtime_ns / 1'000'000'000));
  plan.headers.emplace_back("Accept-Ranges", "bytes");
  if (none_match_fails(req.header("if-none-match"), etag)) {
    plan.status = 304;
    return plan;
  }
  plan.length = f.size;
  // Ranges are defined for GET only (a HEAD tells the whole file's length). If-Range names the
  // version the client holds part of; another version is sent whole, and weak tags never match.
  const std::string_view range = req.header("range");
  const std::string_view if_range = req.header("if-range");
  if (req.method != verb::get || range.empty() || (!if_range.empty() && if_range != etag))
    return plan;
  const range_ask ask = parse_range(range, f.size);
  if (ask.kind == range_ask::unsatisfiable) {
    plan.status = 416;
    plan.length = 0;
    plan.headers.emplace_back("Content-Range", fmt::format("bytes */{}", f.size));
  } else if (ask.kind == range_ask::part) {
    plan.status = 206;
    plan.offset = ask.range.first;
    plan.length = ask.range.last - ask.range.first + 1;
    plan.headers.emplace_back(
        "Content-Range", fmt::format("bytes {}-{}/{}", ask.range.first, ask.range.last, f.size));
  }
  return plan;
}

std::string content_disposition(std::string_view download_name) {
  std::string ascii, encoded;
  for (const unsigned char c : download_name) {
    const bool printable = c >= 0x20 && c < 0x7f;
    ascii += printable && c != '"' && c != '\\' ? static_cast<char>(c) : '_';
    const bool attr_char =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (attr_char)
      encoded += static_cast<char>(c);
    else
      encoded += fmt::format("%{:02X}", c);
  }
  return fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}", ascii, encoded);
}

}  // namespace ps::http
