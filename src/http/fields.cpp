#include "http/fields.hpp"

#include <charconv>

namespace ps::http::fields {
namespace {
const nlohmann::json* find(const nlohmann::json& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}
api_error wrong_type(std::string_view name) {
  return errors::invalid(std::string(name), field_problem::invalid_format);
}
}  // namespace

result<std::optional<std::string>> optional_string(const nlohmann::json& body,
                                                   std::string_view name) {
  const auto* v = find(body, name);
  if (!v) return std::optional<std::string>{};
  if (!v->is_string()) return wrong_type(name);
  return std::optional<std::string>{v->get<std::string>()};
}

result<std::string> required_string(const nlohmann::json& body, std::string_view name) {
  auto v = optional_string(body, name);
  if (!v) return v.error();
  if (!*v) return errors::invalid(std::string(name), field_problem::required);
  return std::move(**v);
}

result<std::optional<std::int64_t>> optional_integer(const nlohmann::json& body,
                                                     std::string_view name) {
  const auto* v = find(body, name);
  if (!v) return std::optional<std::int64_t>{};
  if (!v->is_number_integer()) return wrong_type(name);
  return std::optional<std::int64_t>{v->get<std::int64_t>()};
}

result<std::int64_t> required_integer(const nlohmann::json& body, std::string_view name) {
  auto v = optional_integer(body, name);
  if (!v) return v.error();
  if (!*v) return errors::invalid(std::string(name), field_problem::required);
  return **v;
}

result<std::optional<bool>> optional_bool(const nlohmann::json& body, std::string_view name) {
  const auto* v = find(body, name);
  if (!v) return std::optional<bool>{};
  if (!v->is_boolean()) return wrong_type(name);
  return std::optional<bool>{v->get<bool>()};
}

result<std::vector<std::int64_t>> optional_integer_list(const nlohmann::json& body,
                                                        std::string_view name, std::size_t max) {
  std::vector<std::int64_t> out;
  const auto* v = find(body, name);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) return wrong_type(name);
  if (v->size() > max) return errors::invalid(std::string(name), field_problem::too_many, max);
  for (const auto& item : *v) {
    if (!item.is_number_integer()) return wrong_type(name);
    out.push_back(item.get<std::int64_t>());
  }
  return out;
}

result<std::optional<std::int64_t>> query_integer(const std::optional<std::string>& raw,
                                                  std::string_view name) {
  if (!raw) return std::optional<std::int64_t>{};
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), v);
  if (ec != std::errc{} || end != raw->data() + raw->size())
    return errors::invalid(std::string(name), field_problem::invalid_format);
  return std::optional<std::int64_t>{v};
}

}  // namespace ps::http::fields
