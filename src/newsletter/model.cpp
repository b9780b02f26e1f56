#include "newsletter/model.hpp"

#include <nlohmann/json.hpp>

#include "core/instants.hpp"

namespace ps::newsletter {
namespace {
nlohmann::json maybe_time(const std::optional<millis>& t) {
  return t ? nlohmann::json(iso8601(*t)) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json to_json(const issue& i, const delivery_report* report) {
  nlohmann::json out = {
      {"id", i.id},
      {"community", {{"slug", i.community_slug}}},
      {"subject", i.subject},
      {"preview_text", i.preview_text},
      {"body", i.body},
      {"status", i.status},
      {"audience", {{"members", i.to_members}, {"subscribers", i.to_subscribers}}},
      {"scheduled_at", maybe_time(i.scheduled_at)},
      {"sent_at", maybe_time(i.sent_at)},
      {"created_at", iso8601(i.created_at)},
      {"updated_at", iso8601(i.updated_at)},
      {"author", {{"id", i.author_id}, {"display_name", i.author_name}}},
  };
  if (report) {
    out["counts"] = {{"queued", report->queued},     {"sent", report->sent},
                     {"failed", report->failed},     {"unsubscribed", report->unsubscribed},
                     {"comments", report->comments}, {"tracked", report->tracked},
                     {"opened", report->opened},     {"clicked", report->clicked}};
    auto links = nlohmann::json::array();
    for (const auto& l : report->links) links.push_back({{"url", l.url}, {"clicked", l.clicked}});
    out["links"] = std::move(links);
    auto failures = nlohmann::json::array();
    for (const auto& f : report->failures)
      failures.push_back({{"email", f.email}, {"reason", f.reason}});
    out["failures"] = std::move(failures);
  }
  return out;
}

nlohmann::json to_json(const settings& s) {
  return {{"public_form", s.public_form},
          {"sender_name", s.sender_name},
          {"postal_address", s.postal_address},
          {"tracking", s.tracking}};
}

nlohmann::json to_json(const subscriber& s) {
  return {{"id", s.id},
          {"email", s.email},
          {"name", s.name},
          {"locale", s.locale},
          {"status", s.status},
          {"consent",
           {{"kind", s.consent.kind},
            {"at", iso8601(s.consent.at)},
            {"source", s.consent.source},
            {"method", s.consent.method},
            {"lapses_at", maybe_time(s.consent.lapses_at)}}},
          {"created_at", iso8601(s.created_at)}};
}

nlohmann::json to_json(const comment& c) {
  return {{"id", c.id},
          {"author", {{"id", c.author_id}, {"display_name", c.author_name}}},
          {"body", c.body},
          {"html", c.html},
          {"created_at", iso8601(c.created_at)}};
}

}  // namespace ps::newsletter
