#include "newsletter/sending.hpp"

#include <spdlog/spdlog.h>

#include "communities/store.hpp"
#include "db/database.hpp"
#include "files/model.hpp"
#include "files/store.hpp"
#include "jobs/runner.hpp"
#include "newsletter/archive.hpp"
#include "newsletter/events.hpp"
#include "newsletter/images.hpp"
#include "newsletter/render.hpp"
#include "newsletter/tokens.hpp"
#include "newsletter/tracking.hpp"

namespace ps::newsletter {
namespace {

std::string domain_of(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  const auto end = url.find_first_of(":/", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The cursor a run leaves for the next: "m:<account id>" or "s:<subscriber id>", the last one
// written; empty: the start.
struct cursor {
  char phase = 'm';
  std::int64_t after = 0;
};
cursor read_cursor(const std::string& payload) {
  cursor c;
  if (payload.size() > 2 && (payload[0] == 'm' || payload[0] == 's') && payload[1] == ':') {
    c.phase = payload[0];
    c.after = std::stoll(payload.substr(2));
  }
  return c;
}

jobs::outcome run_send(app& app, db::transaction& tx, const jobs::job& j) {
  const std::int64_t id = std::stoll(j.key);
  auto i = store::issue_by_id(tx, id);
  // Unscheduled or deleted since: nothing to do.
  if (!i || (i->status != "scheduled" && i->status != "sending")) return jobs::outcome::done();
  const millis now = app.clock.now();
  if (i->status == "scheduled") {
    i->status = "sending";
    i->started_at = now;
    i->updated_at = now;
    store::update_issue(tx, *i);
    record_changed(app, tx, *i, false);
  }
  auto place = communities::store::community_by_id(tx, i->community_id);
  if (!place) return jobs::outcome::done();
  tokens::key(tx, now);  // made now if this is the first, so every link below is valid

  cursor c = read_cursor(j.payload);
  if (c.phase == 'm' && !i->to_members) c = {'s', 0};
  std::vector<store::recipient> batch =
      c.phase == 'm'
          ? store::members_to_send(tx, i->community_id, c.after, recipients_per_run)
          : (i->to_subscribers
                 ? store::subscribers_to_send(tx, i->community_id, c.after, now, recipients_per_run)
                 : std::vector<store::recipient>{});
  const prepared_issue ready = prepare(app, tx, *i, *place);
  for (const auto& to : batch) {
    // Each address once, even when a member is also a subscriber, or this run is a retry.
    if (!store::claim_delivery(tx, i->id, to.email)) continue;
    app.outbox.enqueue(tx, email_to(app, ready, to, false));
  }
  if (batch.size() == static_cast<std::size_t>(recipients_per_run)) {
    const std::int64_t last =
        c.phase == 'm' ? *batch.back().account_id : *batch.back().subscriber_id;
    return jobs::outcome::again(now, std::string(1, c.phase) + ":" + std::to_string(last));
  }
  if (c.phase == 'm' && i->to_subscribers) return jobs::outcome::again(now, "s:0");
  i->status = "sent";
  i->sent_at = now;
  i->updated_at = now;
  store::update_issue(tx, *i);
  record_changed(app, tx, *i, false);
  if (i->to_members) record_published(app, tx, *i);
  spdlog::info("newsletter {}: every email is in the outbox", i->id);
  return jobs::outcome::done();
}

}  // namespace

void add_jobs(jobs::runner& runner, app& app) {
  runner.handle(send_job_kind,
                [&app](db::transaction& tx, const jobs::job& j) { return run_send(app, tx, j); });
}

prepared_issue prepare(app& app, db::session& s, const issue& i, const communities::community& c) {
  prepared_issue p;
  p.it = &i;
  p.place = &c;
  p.key = tokens::existing_key(s).value_or("");
  // A mail client has no cookie: the issue's own images go through their signed links.
  p.html = with_signed_images(body_html(i, app.cfg.public_url), app.cfg.public_url, p.key, i.id,
                              files::store::file_ids_of_item(s, files::on_newsletter, i.id));
  p.of = store::settings_of(s, c.id);
  return p;
}

mail::draft email_to(app& app, const prepared_issue& ready, const store::recipient& to, bool test) {
  const issue& i = *ready.it;
  const communities::community& c = *ready.place;
  tokens::unsubscribe_claim claim;
  claim.community_id = c.id;
  claim.who = to.account_id ? 'm' : 's';
  claim.id = to.account_id ? *to.account_id : to.subscriber_id.value_or(0);
  claim.newsletter_id = test ? 0 : i.id;
  const std::string token = tokens::unsubscribe_token(ready.key, claim);

  sender from;
  from.community_name = c.name;
  from.of = ready.of;
  personal p;
  p.email = to.email;
  p.name = to.name;
  p.locale = to.locale == "en" ? "en" : "fr";
  p.unsubscribe_url = app.cfg.public_url + "/unsubscribe/" + token;
  p.one_click_url = app.cfg.public_url + "/api/v1/unsubscribe/" + token;
  if (to.account_id)
    p.archive_url = app.cfg.public_url + "/c/" + c.slug + "/newsletters/" + std::to_string(i.id);
  else if (!test)  // a subscriber has no account: the archive's public page, by a signed link
    p.archive_url = app.cfg.public_url + "/newsletter/" + archive_token(ready.key, i.id);
  const std::string* html = &ready.html;
  std::string tracked;
  if (ready.of.tracking) {
    // The test email looks like the real one but counts nowhere (issue 0).
    const std::int64_t counted_as = test ? 0 : i.id;
    const std::string tag = tokens::recipient_tag(ready.key, to.email);
    tracked =
        tracking::with_tracked_links(ready.html, ready.key, counted_as, tag, app.cfg.public_url);
    html = &tracked;
    p.open_pixel_url = tracking::open_pixel_url(ready.key, counted_as, tag, app.cfg.public_url);
  }
  mail::draft d = email_for(i, *html, from, p, c.slug, domain_of(app.cfg.public_url));
  if (test) d.topic.clear();
  return d;
}

mail::draft email_to(app& app, db::session& s, const issue& i, const communities::community& c,
                     const store::recipient& to, bool test) {
  return email_to(app, prepare(app, s, i, c), to, test);
}

}  // namespace ps::newsletter
