#include "newsletter/subscribers.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "access/policy.hpp"
#include "communities/store.hpp"
#include "core/instants.hpp"
#include "core/rate_limiter.hpp"
#include "core/text.hpp"
#include "db/database.hpp"
#include "mail/outbox.hpp"
#include "newsletter/csv.hpp"
#include "newsletter/errors.hpp"
#include "newsletter/store.hpp"
#include "newsletter/tokens.hpp"

namespace ps::newsletter {
namespace {

constexpr rate_limit subscribes_per_address{"newsletter_subscribe.address", 10, 60 * 60 * 1000};
constexpr rate_limit subscribes_per_email{"newsletter_subscribe.email", 3, 24 * 60 * 60 * 1000};
constexpr rate_limit imports_per_account{"newsletter_import", 10, 60 * 60 * 1000};
constexpr std::size_t import_rows_per_write = 1000;

std::string normalized_email(std::string_view raw) {
  return text::to_lower_ascii(text::trim(raw));
}

std::string checked_locale(const std::optional<std::string>& raw, const std::string& fallback) {
  if (!raw) return fallback;
  const std::string l = text::to_lower_ascii(text::trim(*raw));
  if (l.starts_with("en")) return "en";
  if (l.starts_with("fr")) return "fr";
  return fallback;
}

std::string clean_name(std::string_view raw) {
  std::string name(text::trim(text::to_valid_utf8(raw)));
  if (name.size() > 100)
    name.resize(text::valid_utf8_length(std::string_view(name).substr(0, 100)));
  if (text::forbidden_in_name(name)) return "";
  return name;
}

mail::draft confirmation_email(app& app, const communities::community& c, const subscriber& s,
                               const std::string& key) {
  const std::string url = app.cfg.public_url + "/subscribe/confirm?token=" +
                          tokens::confirm_token(key, s.id, app.clock.now());
  mail::draft d;
  d.to = s.email;
  d.from_name = c.name;
  if (s.locale == "en") {
    d.subject = "Confirm your subscription to " + c.name;
    d.body = "Hello,\n\nSomeone (you, we hope) asked to get the newsletter of " + c.name +
             " at this address. To confirm, open this link:\n\n" + url +
             "\n\nIf it was not you, ignore this email: nothing will be sent without your "
             "confirmation.\n";
  } else {
    d.subject = "Confirme ton abonnement à " + c.name;
    d.body = "Bonjour,\n\nQuelqu’un (toi, on l’espère) a demandé à recevoir l’infolettre de " +
             c.name + " à cette adresse. Pour confirmer, ouvre ce lien :\n\n" + url +
             "\n\nSi ce n’était pas toi, ignore ce courriel : rien ne te sera envoyé sans ta "
             "confirmation.\n";
  }
  return d;
}

// Whom an unsubscribe token names, now.
struct named {
  communities::community place;
  tokens::unsubscribe_claim claim;
  std::string email;
  bool subscribed = false;
};
result<named> who_is(db::session& s, const std::string& key, const std::string& token) {
  auto claim = tokens::read_unsubscribe(key, token);
  if (!claim) return errors::of(invalid_token);
  auto place = communities::store::community_by_id(s, claim->community_id);
  if (!place) return errors::of(invalid_token);
  named n{std::move(*place), *claim, {}, false};
  if (claim->who == 's') {
    auto sub = store::subscriber_by_id(s, claim->id);
    if (!sub || sub->community_id != claim->community_id) return errors::of(invalid_token);
    n.email = sub->email;
    n.subscribed = sub->status == "confirmed";
  } else {
    auto acct = store::account_recipient(s, claim->id);
    if (!acct) return errors::of(invalid_token);
    n.email = acct->email;
    n.subscribed = !store::member_opted_out(s, claim->community_id, claim->id);
  }
  return n;
}

link_answer answer_of(named n) {
  return link_answer{std::move(n.place), std::move(n.email), n.subscribed};
}

}  // namespace

result<public_form> form_of(app& app, const std::string& slug) {
  return app.db.write([&](db::transaction& tx) -> result<public_form> {
    auto place = communities::store::community_by_slug(tx, slug);
    if (!place || !store::settings_of(tx, place->id).public_form) return errors::of(form_off);
    const std::string key = tokens::key(tx, app.clock.now());
    return public_form{*place, tokens::form_token(key, place->id, app.clock.now())};
  });
}

outcome subscribe(app& app, const std::string& slug, const subscribe_input& in) {
  const std::string email = normalized_email(in.email);
  if (email.empty()) return errors::invalid("email", field_problem::required);
  if (email.size() > 254 || !text::looks_like_email(email))
    return errors::invalid("email", field_problem::invalid_format);
  // The form's token first: a robot's post without one counts against nobody's limit.
  auto place_id = app.db.read([&](db::session& s) -> result<std::int64_t> {
    auto place = communities::store::community_by_slug(s, slug);
    if (!place || !store::settings_of(s, place->id).public_form) return errors::of(form_off);
    auto key = tokens::existing_key(s);
    const millis now = app.clock.now();
    auto shown_at =
        key && in.form_token ? tokens::read_form(*key, *in.form_token, place->id) : std::nullopt;
    if (!shown_at || now - *shown_at < form_min_age_ms || now - *shown_at > form_max_age_ms)
      return errors::of(invalid_form_token);
    return place->id;
  });
  if (!place_id) return place_id.error();
  const rate_check checks[] = {{subscribes_per_address, in.address},
                               {subscribes_per_email, slug + " " + email}};
  if (const int wait = app.throttle.acquire(checks); wait > 0) return errors::rate_limited(wait);
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto place = communities::store::community_by_slug(tx, slug);
    if (!place || !store::settings_of(tx, place->id).public_form) return errors::of(form_off);
    const millis now = app.clock.now();
    const std::string key = tokens::key(tx, now);
    // The hidden field only robots fill in: answered as accepted, and nothing happens.
    if (in.website && !text::trim(*in.website).empty()) return done;
    auto existing = store::subscriber_by_email(tx, place->id, email);
    if (existing && existing->status == "confirmed") return done;  // nothing to tell
    subscriber s = existing.value_or(subscriber{});
    s.community_id = place->id;
    s.email = email;
    if (in.name) s.name = clean_name(*in.name);
    s.locale = checked_locale(in.locale,
                              existing ? existing->locale : std::string(locale_name(place->lang)));
    s.status = "pending";
    s.consent.kind = "express";
    s.consent.at = now;
    s.consent.source = "form";
    s.consent.method = "double_opt_in";
    s.consent.lapses_at = std::nullopt;
    s.updated_at = now;
    if (existing) {
      store::update_subscriber(tx, s);
    } else {
      s.created_at = now;
      s.id = store::insert_subscriber(tx, s);
    }
    app.outbox.enqueue(tx, confirmation_email(app, *place, s, key));
    return done;
  });
}

result<link_answer> confirm(app& app, const std::string& token) {
  return app.db.write([&](db::transaction& tx) -> result<link_answer> {
    auto key = tokens::existing_key(tx);
    if (!key) return errors::of(invalid_token);
    auto claim = tokens::read_confirm(*key, token);
    const millis now = app.clock.now();
    if (!claim || now - claim->issued > confirm_lifetime_ms) return errors::of(invalid_token);
    auto s = store::subscriber_by_id(tx, claim->subscriber_id);
    if (!s) return errors::of(invalid_token);
    auto place = communities::store::community_by_id(tx, s->community_id);
    if (!place) return errors::of(invalid_token);
    // A link older than the last change of the subscription (an unsubscribe since) is spent.
    if (s->status == "unsubscribed" && claim->issued < s->updated_at)
      return errors::of(invalid_token);
    if (s->status != "confirmed") {
      s->status = "confirmed";
      s->consent.at = now;  // express consent is the confirmation itself
      s->updated_at = now;
      store::update_subscriber(tx, *s);
    }
    return link_answer{std::move(*place), s->email, true};
  });
}

result<link_answer> unsubscribe_info(app& app, const std::string& token) {
  return app.db.read([&](db::session& s) -> result<link_answer> {
    auto key = tokens::existing_key(s);
    if (!key) return errors::of(invalid_token);
    auto n = who_is(s, *key, token);
    if (!n) return n.error();
    return answer_of(std::move(*n));
  });
}

result<link_answer> unsubscribe(app& app, const std::string& token) {
  return app.db.write([&](db::transaction& tx) -> result<link_answer> {
    auto key = tokens::existing_key(tx);
    if (!key) return errors::of(invalid_token);
    auto n = who_is(tx, *key, token);
    if (!n) return n.error();
    const millis now = app.clock.now();
    if (n->subscribed) {
      if (n->claim.who == 's') {
        auto s = store::subscriber_by_id(tx, n->claim.id);
        s->status = "unsubscribed";
        s->updated_at = now;
        store::update_subscriber(tx, *s);
      } else {
        store::opt_out_member(tx, n->claim.community_id, n->claim.id, now);
      }
      if (n->claim.newsletter_id > 0 && store::issue_by_id(tx, n->claim.newsletter_id))
        store::record_unsubscribe(tx, n->claim.newsletter_id, n->email, now);
    }
    n->subscribed = false;
    return answer_of(std::move(*n));
  });
}

result<link_answer> resubscribe(app& app, const std::string& token) {
  return app.db.write([&](db::transaction& tx) -> result<link_answer> {
    auto key = tokens::existing_key(tx);
    if (!key) return errors::of(invalid_token);
    auto n = who_is(tx, *key, token);
    if (!n) return n.error();
    const millis now = app.clock.now();
    if (!n->subscribed) {
      if (n->claim.who == 's') {
        auto s = store::subscriber_by_id(tx, n->claim.id);
        s->status = "confirmed";
        s->consent.kind = "express";
        s->consent.at = now;
        s->consent.source = "resubscribe";
        s->consent.method = "unsubscribe_page";
        s->consent.lapses_at = std::nullopt;
        s->updated_at = now;
        store::update_subscriber(tx, *s);
      } else {
        store::opt_in_member(tx, n->claim.community_id, n->claim.id);
      }
    }
    n->subscribed = true;
    return answer_of(std::move(*n));
  });
}

namespace {

// Which column holds what, from the first row's names (Mailchimp, Substack, Ghost, ours).
struct columns {
  int email = -1, name = -1, first = -1, last = -1, locale = -1, date = -1, source = -1,
      consent = -1, subscribed = -1, disabled = -1;
};
columns columns_of(const std::vector<std::string>& header) {
  columns c;
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    const std::string h = text::to_lower_ascii(text::trim(header[i]));
    const auto is = [&](std::initializer_list<const char*> names) {
      return std::any_of(names.begin(), names.end(), [&](const char* n) { return h == n; });
    };
    if (is({"email", "email address", "e-mail", "courriel", "adresse courriel",
            "subscriber email"}))
      c.email = c.email < 0 ? i : c.email;
    else if (is({"name", "full name", "nom complet", "display name"}))
      c.name = i;
    else if (is({"first name", "fname", "first_name", "prénom", "prenom"}))
      c.first = i;
    else if (is({"last name", "lname", "last_name", "nom de famille"}))
      c.last = i;
    else if (is({"language", "lang", "locale", "langue"}))
      c.locale = i;
    else if (is({"consent date", "consent_date", "optin_time", "confirm_time", "created_at",
                 "created_at (utc)", "subscribed_at", "signup date", "date"}))
      c.date = c.date < 0 || h == "consent date" || h == "confirm_time" ? i : c.date;
    else if (is({"source", "consent source", "signup source", "signup_source"}))
      c.source = i;
    else if (is({"consent", "consent type", "consent_kind", "consentement"}))
      c.consent = i;
    else if (is({"subscribed_to_emails", "subscribed"}))
      c.subscribed = i;
    else if (is({"email_disabled"}))
      c.disabled = i;
  }
  return c;
}

std::string field(const std::vector<std::string>& row, int i) {
  if (i < 0 || i >= static_cast<int>(row.size())) return "";
  return std::string(text::trim(row[i]));
}

bool is_false(const std::string& v) {
  const std::string l = text::to_lower_ascii(v);
  return l == "false" || l == "0" || l == "no" || l == "non";
}
bool is_true(const std::string& v) {
  const std::string l = text::to_lower_ascii(v);
  return l == "true" || l == "1" || l == "yes" || l == "oui";
}

// CASL: an implied consent lasts two years from the day it was given (the same day, two years
// on; a 29 February lapses on 1 March).
millis two_years_after(millis at) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(at)};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  year_month_day later = ymd + years(2);
  if (!later.ok())
    later = year_month_day(
        sys_days(year_month_day_last(later.year(), month_day_last(later.month()))) + days(1));
  return (sys_days(later) + (t - day)).time_since_epoch().count();
}

std::optional<millis> date_of(std::string v) {
  if (v.empty()) return std::nullopt;
  if (v.size() > 10 && v[10] == ' ') v[10] = 'T';
  if (v.size() > 19 && v.back() != 'Z' && v.find('+', 19) == std::string::npos &&
      v.find('-', 19) == std::string::npos)
    v.resize(19);  // "2024-03-05T12:34:56 UTC" and the like: a UTC time
  if (auto t = instant_of(v, "UTC")) return t;
  return std::nullopt;
}

}  // namespace

result<import_report> import_csv(app& app, const caller& who, const std::string& slug,
                                 const std::string& body) {
  if (body.size() > max_import_bytes)
    return errors::payload_too_large(static_cast<long>(max_import_bytes));
  const rate_check checks[] = {{imports_per_account, std::to_string(who.account_id)}};
  if (const int wait = app.throttle.acquire(checks); wait > 0) return errors::rate_limited(wait);
  auto place = app.db.read([&](db::session& s) -> result<access::member_ref> {
    auto where = access::community_for(s, who, slug);
    if (!where) return where.error();
    if (!where->is_host()) return errors::forbidden();
    return where;
  });
  if (!place) return place.error();
  const auto table = csv::parse(csv::to_utf8(body), max_import_rows + 1);
  if (table.rows.empty()) return errors::of(invalid_csv);
  const columns col = columns_of(table.rows[0]);
  if (col.email < 0) return errors::of(invalid_csv);

  import_report report;
  const millis now = app.clock.now();
  const std::string fallback_locale(locale_name(place->place.lang));
  // Read and checked first; written in parts after, each row merged with what is there.
  struct wanted {
    std::int64_t row;
    subscriber s;
  };
  std::vector<wanted> rows;
  std::map<std::string, std::size_t> seen;  // email → index in rows
  for (std::size_t r = 1; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const auto line = static_cast<std::int64_t>(table.line_of[r]);
    const std::string email = normalized_email(field(row, col.email));
    const auto reject = [&](std::string reason) {
      report.rejected.push_back({line, std::move(reason)});
    };
    if (email.empty()) {
      reject("no email address");
      continue;
    }
    if (email.size() > 254 || !text::looks_like_email(email)) {
      reject("not an email address: " + email.substr(0, 100));
      continue;
    }
    if (col.subscribed >= 0 && is_false(field(row, col.subscribed))) {
      reject("not subscribed to emails in the export");
      continue;
    }
    if (col.disabled >= 0 && is_true(field(row, col.disabled))) {
      reject("email disabled in the export");
      continue;
    }
    subscriber s;
    s.community_id = place->place.id;
    s.email = email;
    std::string name = field(row, col.name);
    if (name.empty()) name = text::trim(field(row, col.first) + " " + field(row, col.last));
    s.name = clean_name(name);
    s.locale = checked_locale(
        col.locale >= 0 ? std::optional(field(row, col.locale)) : std::nullopt, fallback_locale);
    s.status = "confirmed";
    const std::string kind = text::to_lower_ascii(field(row, col.consent));
    s.consent.kind = kind.starts_with("impl") ? "implied" : "express";
    const auto date = date_of(field(row, col.date));
    s.consent.at = date.value_or(now);
    s.consent.source = field(row, col.source).empty()
                           ? "import"
                           : "import: " + field(row, col.source).substr(0, 100);
    s.consent.method = "import";
    if (s.consent.kind == "implied") s.consent.lapses_at = two_years_after(s.consent.at);
    s.created_at = s.updated_at = now;
    if (auto it = seen.find(email); it != seen.end()) {
      // A duplicate row: merged into the first, which keeps what it had and takes the rest.
      auto& first = rows[it->second].s;
      if (first.name.empty()) first.name = s.name;
      ++report.merged;
      continue;
    }
    seen.emplace(email, rows.size());
    rows.push_back({line, std::move(s)});
  }
  if (table.truncated)
    report.rejected.push_back({static_cast<std::int64_t>(table.line_of.back()),
                               "more than 50,000 rows: the rest were not read"});

  for (std::size_t start = 0; start < rows.size(); start += import_rows_per_write) {
    const std::size_t end = std::min(rows.size(), start + import_rows_per_write);
    app.db.write([&](db::transaction& tx) {
      for (std::size_t i = start; i < end; ++i) {
        auto& s = rows[i].s;
        auto existing = store::subscriber_by_email(tx, s.community_id, s.email);
        if (!existing) {
          store::insert_subscriber(tx, s);
          ++report.imported;
          continue;
        }
        if (existing->status == "unsubscribed") {
          // Only they may come back: an import does not undo their no.
          report.rejected.push_back(
              {rows[i].row, "unsubscribed earlier: only they can subscribe again"});
          continue;
        }
        if (existing->name.empty()) existing->name = s.name;
        if (existing->status == "pending") {
          existing->status = "confirmed";
          existing->consent = s.consent;
        }
        existing->updated_at = now;
        store::update_subscriber(tx, *existing);
        ++report.merged;
      }
    });
  }
  std::sort(report.rejected.begin(), report.rejected.end(),
            [](const auto& a, const auto& b) { return a.row < b.row; });
  return report;
}

result<subscriber_page> list_subscribers(app& app, const caller& who, const std::string& slug,
                                         const std::string& status, std::int64_t before) {
  if (!status.empty() && status != "pending" && status != "confirmed" && status != "unsubscribed")
    return errors::invalid("status", field_problem::invalid_format);
  return app.db.read([&](db::session& s) -> result<subscriber_page> {
    auto where = access::community_for(s, who, slug);
    if (!where) return where.error();
    if (!where->is_host()) return errors::forbidden();
    subscriber_page page;
    page.subscribers =
        store::subscribers_of(s, where->place.id, status, before, listed_subscribers);
    if (page.subscribers.size() == static_cast<std::size_t>(listed_subscribers))
      page.next_before = page.subscribers.back().id;
    return page;
  });
}

outcome delete_subscriber(app& app, const caller& who, std::int64_t id) {
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto sub = store::subscriber_by_id(tx, id);
    if (!sub) return errors::not_found("subscriber");
    auto where = access::community_for(tx, who, sub->community_id);
    if (!where) return errors::not_found("subscriber");
    if (!where->is_host()) return errors::forbidden();
    store::delete_subscriber(tx, id);
    return done;
  });
}

}  // namespace ps::newsletter
