#include "http/router.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "accounts/auth.hpp"
#include "core/json_input.hpp"
#include "core/text.hpp"

namespace ps::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    const auto end = path.find('/', pos);
    out.push_back(
        path.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return out;
}

}  // namespace

std::optional<std::string> path_parameter(std::string_view raw) {
  // Each byte takes at most three characters encoded: a longer segment is too long decoded too.
  if (raw.size() > 3 * max_path_parameter) return std::nullopt;
  std::string decoded = percent_decode(raw, false);
  if (decoded.size() > max_path_parameter || !text::is_valid_utf8(decoded)) return std::nullopt;
  return decoded;
}

std::string context::param(std::string_view name) const {
  for (const auto& [key, value] : params_)
    if (key == name) return value;
  return {};
}

result<std::int64_t> context::id_param(std::string_view name, std::string what) const {
  const std::string text = param(name);
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0)
    return errors::not_found(std::move(what));
  return id;
}

result<ps::caller> context::caller() {
  if (!caller_) {
    auto found = accounts::authenticate(app, req);
    if (found)
      caller_.emplace(*found);
    else
      caller_.emplace(errors::unauthenticated());
  }
  return *caller_;
}

result<nlohmann::json> context::json_body() const {
  if (!json_input::depth_within(req.body)) return errors::make(error_code::json_too_deep);
  auto parsed = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return errors::make(error_code::malformed_json);
  return parsed;
}

locale context::lang() const {
  if (caller_ && caller_->ok()) return caller_->value().lang;
  return locale_from_accept_language(req.header("accept-language"));
}

void router::add(verb method, std::string_view pattern, handler fn, runs_on where) {
  route r{method, {}, std::move(fn), where, {}, max_body, {}};
  for (auto segment : split_path(pattern)) r.segments.emplace_back(segment);
  routes_.push_back(std::move(r));
}

void router::add(verb method, std::string_view pattern, handler fn, runs_on where,
                 route_options options) {
  route r{method, {}, std::move(fn), where, {}, options.body_limit, {}, options};
  for (auto segment : split_path(pattern)) r.segments.emplace_back(segment);
  routes_.push_back(std::move(r));
}

void router::add_queued(verb method, std::string_view pattern, queued_handler fn,
                        std::size_t body_limit) {
  route r{method, {}, {}, runs_on::queued_write, std::move(fn), body_limit, {}};
  for (auto segment : split_path(pattern)) r.segments.emplace_back(segment);
  routes_.push_back(std::move(r));
}

void router::add_upload(verb method, std::string_view pattern, upload_handler fn,
                        std::size_t body_limit) {
  route r{method, {}, {}, runs_on::blocking_pool, {}, body_limit, std::move(fn)};
  for (auto segment : split_path(pattern)) r.segments.emplace_back(segment);
  routes_.push_back(std::move(r));
}

route_match router::find(verb method, std::string_view path) const {
  route_match result;
  const auto segments = split_path(path);
  for (const route& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool same = true;
    for (std::size_t i = 0; i < segments.size() && same; ++i) {
      const std::string& want = r.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        auto value = path_parameter(segments[i]);
        if (value)
          params.emplace_back(want.substr(1, want.size() - 2), std::move(*value));
        else
          same = false;
      } else {
        same = want == segments[i];
      }
    }
    if (!same) continue;
    result.path_exists = true;
    if (r.method == method || (method == verb::head && r.method == verb::get)) {
      result.found = &r;
      result.params = std::move(params);
      return result;
    }
  }
  return result;
}

response json_response(int status, const nlohmann::json& body) {
  response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

response raw_json_response(int status, std::string body) {
  response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

response no_content() {
  response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

response error_response(const api_error& error, locale lang) {
  nlohmann::json inner = {{"code", code_name(error)}, {"message", error_message(error, lang)}};
  // A declared refusal may name its field too (newsletter_image_not_allowed names `body`).
  if (error.code == error_code::invalid_field || !error.field.empty()) inner["field"] = error.field;
  response r = json_response(http_status(error), {{"error", inner}});
  // An error describes this moment (a session, a limit): never worth keeping in a cache.
  r.headers.emplace_back("Cache-Control", "no-store");
  if (error.code == error_code::rate_limited)
    r.headers.emplace_back("Retry-After", std::to_string(error.retry_after_seconds));
  return r;
}

}  // namespace ps::http
