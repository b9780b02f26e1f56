#include "notifications/settings.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/instants.hpp"

namespace ps::notifications {

namespace {

// "22:00" → 1320; nothing for anything else than HH:MM on a 24-hour clock.
std::optional<int> minute_of(const nlohmann::json& v) {
  if (!v.is_string()) return std::nullopt;
  const auto& t = v.get_ref<const std::string&>();
  if (t.size() != 5 || t[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4})
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
  const int hours = (t[0] - '0') * 10 + (t[1] - '0');
  const int minutes = (t[3] - '0') * 10 + (t[4] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

std::string clock_text(int minute) {
  return fmt::format("{:02}:{:02}", minute / 60, minute % 60);
}

}  // namespace

std::string_view email_name(email_digest e) {
  switch (e) {
    case email_digest::never:
      return "never";
    case email_digest::after_15_minutes:
      return "15min";
    case email_digest::daily:
      return "daily";
  }
  return "15min";
}

std::optional<email_digest> parse_email(std::string_view name) {
  for (auto e : {email_digest::never, email_digest::after_15_minutes, email_digest::daily})
    if (email_name(e) == name) return e;
  return std::nullopt;
}

std::string_view digest_name(missed_digest d) {
  switch (d) {
    case missed_digest::off:
      return "off";
    case missed_digest::daily:
      return "daily";
    case missed_digest::weekly:
      return "weekly";
  }
  return "weekly";
}

std::optional<missed_digest> parse_digest(std::string_view name) {
  for (auto d : {missed_digest::off, missed_digest::daily, missed_digest::weekly})
    if (digest_name(d) == name) return d;
  return std::nullopt;
}

nlohmann::json to_json(const settings& s) {
  nlohmann::json quiet = nullptr;
  if (s.quiet_start && s.quiet_end)
    quiet = {{"start", clock_text(*s.quiet_start)}, {"end", clock_text(*s.quiet_end)}};
  return {{"email", email_name(s.email)},
          {"push_previews", s.private_previews ? "private" : "full"},
          {"quiet_hours", quiet},
          {"time_zone", s.time_zone},
          {"digest", digest_name(s.digest)}};
}

result<settings> updated(const settings& s, const nlohmann::json& body) {
  settings out = s;
  if (auto e = body.find("email"); e != body.end()) {
    auto chosen = e->is_string() ? parse_email(e->get_ref<const std::string&>()) : std::nullopt;
    if (!chosen) return errors::invalid("email", field_problem::not_allowed);
    out.email = *chosen;
  }
  if (auto d = body.find("digest"); d != body.end()) {
    auto chosen = d->is_string() ? parse_digest(d->get_ref<const std::string&>()) : std::nullopt;
    if (!chosen) return errors::invalid("digest", field_problem::not_allowed);
    out.digest = *chosen;
  }
  if (auto p = body.find("push_previews"); p != body.end()) {
    if (*p != "full" && *p != "private")
      return errors::invalid("push_previews", field_problem::not_allowed);
    out.private_previews = *p == "private";
  }
  if (auto q = body.find("quiet_hours"); q != body.end()) {
    if (q->is_null()) {
      out.quiet_start.reset();
      out.quiet_end.reset();
    } else {
      if (!q->is_object()) return errors::invalid("quiet_hours", field_problem::invalid_format);
      auto start = q->contains("start") ? minute_of((*q)["start"]) : std::nullopt;
      auto end = q->contains("end") ? minute_of((*q)["end"]) : std::nullopt;
      if (!start) return errors::invalid("quiet_hours.start", field_problem::invalid_format);
      if (!end) return errors::invalid("quiet_hours.end", field_problem::invalid_format);
      if (*start == *end) return errors::invalid("quiet_hours.end", field_problem::not_allowed);
      out.quiet_start = start;
      out.quiet_end = end;
    }
  }
  if (auto z = body.find("time_zone"); z != body.end()) {
    if (!z->is_string() || z->get_ref<const std::string&>().size() > 64 ||
        !known_zone(z->get_ref<const std::string&>()))
      return errors::invalid("time_zone", field_problem::not_allowed);
    out.time_zone = z->get<std::string>();
  }
  return out;
}

bool in_quiet_hours(const settings& s, millis at) {
  if (!s.quiet_start || !s.quiet_end) return false;
  auto now = minute_of_day(at, s.time_zone);
  if (!now) return false;
  if (*s.quiet_start < *s.quiet_end) return *now >= *s.quiet_start && *now < *s.quiet_end;
  return *now >= *s.quiet_start || *now < *s.quiet_end;  // across midnight
}

millis quiet_hours_end(const settings& s, millis at) {
  if (!in_quiet_hours(s, at)) return at;
  return next_local_minute(at, *s.quiet_end, s.time_zone).value_or(at);
}

}  // namespace ps::notifications
