#include "accounts/model.hpp"

#include <nlohmann/json.hpp>

namespace ps::accounts {

nlohmann::json to_json(const account& a) {
  return {{"id", a.id},
          {"email", a.email},
          {"display_name", a.display_name},
          {"locale", locale_name(a.lang)},
          {"created_at", iso8601(a.created_at)}};
}

nlohmann::json to_json(const token_info& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"created_at", iso8601(t.created_at)},
          {"last_used_at", t.last_used_at ? nlohmann::json(iso8601(*t.last_used_at)) : nlohmann::json()}};
}

nlohmann::json to_json(const session_info& s) {
  return {{"id", s.id},
          {"device", s.device},
          {"user_agent", s.user_agent},
          {"created_at", iso8601(s.created_at)},
          {"last_used_at", s.last_used_at ? nlohmann::json(iso8601(*s.last_used_at)) : nlohmann::json()},
          {"current", s.current}};
}

}  // namespace ps::accounts
