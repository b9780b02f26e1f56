#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "communities/model.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"
#include "newsletter/model.hpp"

// Subscribers: people without an account who get a community's newsletter. They come through
// the public form (off unless a host turns it on) with double opt-in, or a CSV import from
// Mailchimp, Substack or Ghost with the consent those recorded. Unsubscribing (members too) is
// one click, effective at once. Each person's consent says when, how, from what, and whether it
// is express or implied (CASL: an implied consent lapses, two years after it was given).
namespace ps::newsletter {

inline constexpr int listed_subscribers = 100;
inline constexpr std::size_t max_import_bytes = 5 * 1024 * 1024;
inline constexpr std::size_t max_import_rows = 50'000;
// A post sooner than this after the form was shown is a robot's; later than a day, stale.
inline constexpr millis form_min_age_ms = 2'000;
inline constexpr millis form_max_age_ms = 24LL * 60 * 60 * 1000;
inline constexpr millis confirm_lifetime_ms = 7LL * 24 * 60 * 60 * 1000;

struct public_form {
  communities::community place;
  std::string form_token;
};
result<public_form> form_of(app& app, const std::string& slug);

struct subscribe_input {
  std::string email;
  std::optional<std::string> name, locale, form_token, website;
  std::string address;  // the caller's IP address, for the rate limit
};
// 202 whatever becomes of it (a known address learns nothing): a new or pending address gets
// the confirmation email; a confirmed one nothing; an unsubscribed one a new confirmation.
outcome subscribe(app& app, const std::string& slug, const subscribe_input& in);

struct link_answer {
  communities::community place;
  std::string email;
  bool subscribed = false;
};
result<link_answer> confirm(app& app, const std::string& token);
result<link_answer> unsubscribe_info(app& app, const std::string& token);
result<link_answer> unsubscribe(app& app, const std::string& token);
result<link_answer> resubscribe(app& app, const std::string& token);

struct import_report {
  std::int64_t imported = 0, merged = 0;
  struct rejected_row {
    std::int64_t row = 0;
    std::string reason;
  };
  std::vector<rejected_row> rejected;
};
result<import_report> import_csv(app& app, const caller& who, const std::string& slug,
                                 const std::string& body);

struct subscriber_page {
  std::vector<subscriber> subscribers;
  std::optional<std::int64_t> next_before;
};
result<subscriber_page> list_subscribers(app& app, const caller& who, const std::string& slug,
                                         const std::string& status, std::int64_t before);
outcome delete_subscriber(app& app, const caller& who, std::int64_t id);

}  // namespace ps::newsletter
