#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

// Reading typed fields out of a JSON body; a field of the wrong type is a 422 naming it.
namespace ps::http::fields {

result<std::optional<std::string>> optional_string(const nlohmann::json& body,
                                                   std::string_view name);
result<std::string> required_string(const nlohmann::json& body, std::string_view name);
result<std::optional<std::int64_t>> optional_integer(const nlohmann::json& body,
                                                     std::string_view name);
result<std::int64_t> required_integer(const nlohmann::json& body, std::string_view name);
result<std::optional<bool>> optional_bool(const nlohmann::json& body, std::string_view name);
// A list of whole numbers (ids), empty when absent or null; at most `max` of them.
result<std::vector<std::int64_t>> optional_integer_list(const nlohmann::json& body,
                                                        std::string_view name, std::size_t max);
// A query parameter (request::query_param's answer) that must be a whole number when present.
result<std::optional<std::int64_t>> query_integer(const std::optional<std::string>& raw,
                                                  std::string_view name);

// Reads several fields and keeps the first error, so a handler checks once after reading all.
class reader {
 public:
  explicit reader(const nlohmann::json& body) : body_(body) {}
  std::string text(std::string_view name) {
    return keep(required_string(body_, name), std::string{});
  }
  std::optional<std::string> maybe_text(std::string_view name) {
    return keep(optional_string(body_, name), std::optional<std::string>{});
  }
  std::int64_t integer(std::string_view name) {
    return keep(required_integer(body_, name), std::int64_t{0});
  }
  std::optional<std::int64_t> maybe_integer(std::string_view name) {
    return keep(optional_integer(body_, name), std::optional<std::int64_t>{});
  }
  std::optional<bool> maybe_bool(std::string_view name) {
    return keep(optional_bool(body_, name), std::optional<bool>{});
  }
  std::vector<std::int64_t> integer_list(std::string_view name, std::size_t max) {
    return keep(optional_integer_list(body_, name, max), std::vector<std::int64_t>{});
  }
  const std::optional<api_error>& error() const { return error_; }

 private:
  template <class T>
  T keep(result<T> r, T fallback) {
    if (r) return std::move(*r);
    if (!error_) error_ = r.error();
    return fallback;
  }
  const nlohmann::json& body_;
  std::optional<api_error> error_;
};

}  // namespace ps::http::fields
