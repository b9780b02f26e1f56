#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Plain HTTP request and response, free of Beast: handlers and their tests use only these.
namespace ps::http {

enum class verb { get, head, post, put, patch, del, options, other };

struct request {
  verb method = verb::get;
  std::string path;                                          // as received, still percent-encoded
  std::string query;                                         // after '?', raw
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string remote_address;

  // The first header of that name, empty when absent.
  std::string_view header(std::string_view lower_name) const;
  // Whether the header was sent at all, even empty.
  bool has_header(std::string_view lower_name) const;
  std::optional<std::string> query_param(std::string_view key) const;
  std::optional<std::string> cookie(std::string_view name) const;
};

// A body read from disk while it is sent, in pieces (http/file_response.hpp).
struct file_body {
  std::filesystem::path path;
  std::string download_name;  // set: sent as an attachment with this name
};

struct response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Embedded files are served from the binary without a copy: when set, this is the body.
  std::string_view static_body;
  // When set, the body is this file, with ETag, Range and 304 (http/file_response.hpp).
  std::optional<file_body> file;
};

std::string percent_decode(std::string_view text, bool plus_is_space);

}  // namespace ps::http
