#pragma once
#include <string>
#include <string_view>

#include "core/locale.hpp"

namespace ps {

// The ways any request can fail that a client is expected to handle, whatever the capability;
// each maps to one HTTP status and one stable code string (docs/api.md lists them). A
// capability's own refusals (an archived channel, a used-up invitation) are error_kinds that it
// declares in its own folder: they are `declared` here.
enum class error_code {
  malformed_json,
  unauthenticated,
  invalid_credentials,
  forbidden,
  csrf_rejected,
  not_found,
  method_not_allowed,
  limit_reached,
  payload_too_large,
  unsupported_media_type,
  invalid_field,
  rate_limited,
  json_too_deep,
  malformed_request,
  headers_too_large,
  too_many_connections,
  internal,
  declared,  // one of a capability's own (api_error::kind)
};

// A refusal that one capability declares in its own folder (chat/errors.hpp, …): its HTTP
// status, its stable code and its message in both languages. app/capabilities.cpp collects them
// at start-up and checks that no two share a code, nor one of error_code's.
struct error_kind {
  int status;
  std::string_view code;
  std::string_view fr;
  std::string_view en;
};

// Why a field was refused; the message is composed from it in the caller's language.
enum class field_problem {
  required,
  too_short,
  too_long,
  too_few,   // a list: fewer items than `limit`
  too_many,  // a list: more items than `limit`
  invalid_format,
  out_of_range,
  not_allowed,
  forbidden_characters,
};

// What a rate_limited refusal stopped, when its message has more to say than "wait".
enum class rate_limited_action { other, log_in };

// An error a client sees: a code, and for invalid fields which field and why.
struct api_error {
  error_code code = error_code::internal;
  std::string field;
  field_problem problem = field_problem::required;
  long limit = 0;  // the bound broken by too_short / too_long / out_of_range / limit_reached
  char32_t character = 0;  // for forbidden_characters: the first one found
  int retry_after_seconds = 0;
  rate_limited_action limited = rate_limited_action::other;
  const error_kind* kind = nullptr;  // for declared: which one
  std::string what;  // for not_found: what was not found ("community", "channel", ...);
                     // for limit_reached: what there are too many of ("reactions")
};

int http_status(error_code code);
std::string_view code_name(error_code code);
int http_status(const api_error& error);
std::string_view code_name(const api_error& error);
std::string error_message(const api_error& error, locale lang);

namespace errors {
inline api_error make(error_code c) {
  api_error e;
  e.code = c;
  return e;
}
inline api_error not_found(std::string what) {
  api_error e = make(error_code::not_found);
  e.what = std::move(what);
  return e;
}
// One of a capability's own refusals (an error_kind it declares).
inline api_error of(const error_kind& kind) {
  api_error e = make(error_code::declared);
  e.kind = &kind;
  return e;
}
inline api_error forbidden() {
  return make(error_code::forbidden);
}
inline api_error unauthenticated() {
  return make(error_code::unauthenticated);
}
inline api_error invalid(std::string field, field_problem problem, long limit = 0) {
  api_error e = make(error_code::invalid_field);
  e.field = std::move(field);
  e.problem = problem;
  e.limit = limit;
  return e;
}
// `limit_bytes`: the most the route takes, named in the message.
inline api_error payload_too_large(long limit_bytes) {
  api_error e = make(error_code::payload_too_large);
  e.limit = limit_bytes;
  return e;
}
// A text holding a character its field may not hold (text::forbidden_in_name / _in_text).
inline api_error forbidden_character(std::string field, char32_t character) {
  api_error e = invalid(std::move(field), field_problem::forbidden_characters);
  e.character = character;
  return e;
}
// One person has as many of `what` as they may have (e.g. distinct reactions on one message).
inline api_error limit_reached(std::string what, long limit) {
  api_error e = make(error_code::limit_reached);
  e.what = std::move(what);
  e.limit = limit;
  return e;
}
inline api_error rate_limited(int retry_after_seconds,
                              rate_limited_action action = rate_limited_action::other) {
  api_error e = make(error_code::rate_limited);
  e.retry_after_seconds = retry_after_seconds;
  e.limited = action;
  return e;
}
}  // namespace errors

}  // namespace ps
