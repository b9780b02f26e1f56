#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace ps::newsletter {

// An issue. status: draft → scheduled (a time set) → sending → sent; unscheduling goes back to
// draft.
struct issue {
  std::int64_t id = 0;
  std::int64_t community_id = 0;
  std::string community_slug;
  std::int64_t author_id = 0;
  std::string author_name;
  std::string subject;
  std::string preview_text;
  std::string body;
  std::string status = "draft";
  bool to_members = true;
  bool to_subscribers = true;
  std::optional<millis> scheduled_at;
  std::optional<millis> started_at;
  std::optional<millis> sent_at;
  millis created_at = 0;
  millis updated_at = 0;
};

// What hosts see of an issue's deliveries.
struct delivery_report {
  std::int64_t queued = 0, sent = 0, failed = 0, unsubscribed = 0, comments = 0;
  // Open and click tracking (zero when the host does not track).
  bool tracked = false;  // the host tracks now, or did when some of it was counted
  std::int64_t opened = 0, clicked = 0;
  struct link {
    std::string url;
    std::int64_t clicked = 0;
  };
  std::vector<link> links;
  struct failure {
    std::string email, reason;
  };
  std::vector<failure> failures;
};

struct settings {
  bool public_form = false;
  std::string sender_name;
  std::string postal_address;
  bool tracking = false;
};

struct consent {
  std::string kind = "express";  // express | implied
  millis at = 0;
  std::string source;  // form | import | resubscribe
  std::string method;  // double_opt_in | import | unsubscribe_page
  std::optional<millis> lapses_at;
};

struct subscriber {
  std::int64_t id = 0;
  std::int64_t community_id = 0;
  std::string email;
  std::string name;
  std::string locale = "fr";
  std::string status = "pending";  // pending | confirmed | unsubscribed
  struct consent consent;
  millis created_at = 0;
  millis updated_at = 0;
};

struct comment {
  std::int64_t id = 0;
  std::int64_t newsletter_id = 0;
  std::int64_t author_id = 0;
  std::string author_name;
  std::string body;
  std::string html;
  millis created_at = 0;
};

nlohmann::json to_json(const issue& i, const delivery_report* report);
nlohmann::json to_json(const settings& s);
nlohmann::json to_json(const subscriber& s);
nlohmann::json to_json(const comment& c);

}  // namespace ps::newsletter
