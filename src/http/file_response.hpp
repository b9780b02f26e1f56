#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"

// Answers that send a file from disk. What the request asks of the file (If-None-Match, Range,
// HEAD) is decided here from its metadata alone, without Beast and without reading it; the
// bytes are read on the blocking pool and written by http/body_streaming.cpp.
namespace ps::http {

// A response whose body is the file at `path`, read in pieces when it is sent (message.hpp's
// `file`); `download_name`, when set, makes it an attachment with that name.
response file_response(std::filesystem::path path, std::string content_type,
                       std::string download_name = {});

// What fstat says of an open file: enough to name one version of it.
struct file_facts {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;  // since the epoch
  std::uint64_t inode = 0;
};

// A strong ETag from the inode, the size and the modification time (nanoseconds): one fstat,
// where a content hash would read the whole file on every request or need a cache. Strong is
// right for the files we serve, which are written once and replaced by a rename (a new inode),
// never rewritten in place; a strong tag is what Range and If-Range need.
std::string file_etag(const file_facts& f);

// An HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT"), whatever the process's locale.
std::string http_date(std::int64_t unix_seconds);

// True when an If-None-Match header names `etag`, or is "*": the client's copy is current
// (304). The comparison is the weak one RFC 9110 asks for here ("W/" is ignored).
bool none_match_fails(std::string_view if_none_match, std::string_view etag);

// Bytes first to last of a file, both included.
struct byte_range {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  bool operator==(const byte_range&) const = default;
};

// What a Range header asks of a file of `size` bytes. `whole`: no header, another unit, a
// malformed one, or several ranges (answered with the whole file rather than multipart).
struct range_ask {
  enum kind_t { whole, part, unsatisfiable } kind = whole;
  byte_range range;  // for `part`, clipped to the file
};
range_ask parse_range(std::string_view header, std::uint64_t size);

// How to answer a GET or HEAD of a file: the status, the headers that describe it, and which of
// its bytes to send (none for 304 and 416, and none are written for HEAD).
struct file_plan {
  int status = 200;  // 200, 206, 304 or 416
  std::vector<std::pair<std::string, std::string>> headers;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;  // the Content-Length
};
file_plan plan_file_reply(const request& req, const file_facts& f);

// `attachment` with the name, as an ASCII fallback and as UTF-8 (RFC 6266), so that no byte of
// the name can end the header or add a parameter.
std::string content_disposition(std::string_view download_name);

}  // namespace ps::http
