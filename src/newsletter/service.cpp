#include "newsletter/service.hpp"

#include <nlohmann/json.hpp>

#include "access/policy.hpp"
#include "core/instants.hpp"
#include "core/rate_limiter.hpp"
#include "core/text.hpp"
#include "db/database.hpp"
#include "jobs/runner.hpp"
#include "mail/outbox.hpp"
#include "markdown/markdown.hpp"
#include "newsletter/errors.hpp"
#include "newsletter/events.hpp"
#include "newsletter/images.hpp"
#include "newsletter/render.hpp"
#include "newsletter/sending.hpp"
#include "newsletter/store.hpp"
#include "newsletter/tokens.hpp"
#include "newsletter/tracking_store.hpp"

namespace ps::newsletter {
namespace {

constexpr millis longest_schedule = 366LL * 24 * 60 * 60 * 1000;
constexpr rate_limit test_emails_per_account{"newsletter_test", 20, 60 * 60 * 1000};
constexpr rate_limit comments_per_account{"newsletter_comment", 60, 60 * 60 * 1000};

result<std::string> checked_text(const std::string& raw, std::string_view field, std::size_t max,
                                 bool required) {
  std::string value(text::trim(text::to_valid_utf8(raw)));
  if (required && value.empty())
    return errors::invalid(std::string(field), field_problem::required);
  if (value.size() > max)
    return errors::invalid(std::string(field), field_problem::too_long, static_cast<long>(max));
  if (auto c = text::forbidden_in_text(value))
    return errors::forbidden_character(std::string(field), *c);
  return value;
}

// Applies `in` to `i`, checking each field given.
outcome apply(issue& i, const draft_input& in) {
  if (in.subject) {
    auto v = checked_text(*in.subject, "subject", max_subject, true);
    if (!v) return v.error();
    i.subject = *v;
  }
  if (in.body) {
    auto v = checked_text(*in.body, "body", max_body, true);
    if (!v) return v.error();
    i.body = *v;
  }
  if (in.preview_text) {
    auto v = checked_text(*in.preview_text, "preview_text", max_preview_text, false);
    if (!v) return v.error();
    i.preview_text = *v;
  }
  return done;
}

// The issue and the caller's place in its community, if they may see it: hosts see every
// issue of their community; members, sent issues whose audience had the members (the archive).
struct issue_in_place {
  issue it;
  access::member_ref where;
};
result<issue_in_place> issue_for(db::session& s, const caller& who, std::int64_t id) {
  auto i = store::issue_by_id(s, id);
  if (!i) return errors::not_found("newsletter");
  auto where = access::community_for(s, who, i->community_id);
  if (!where) return errors::not_found("newsletter");
  if (!where->is_host() && !(i->status == "sent" && i->to_members))
    return errors::not_found("newsletter");
  return issue_in_place{std::move(*i), std::move(*where)};
}

result<access::member_ref> host_of(db::session& s, const caller& who, const std::string& slug) {
  auto where = access::community_for(s, who, slug);
  if (!where) return where.error();
  if (!where->is_host()) return errors::forbidden();
  return where;
}

delivery_report report_of(app& app, db::session& s, const issue& i) {
  delivery_report r;
  const auto counts = app.outbox.counts(s, "newsletter:" + std::to_string(i.id));
  r.queued = counts.queued;
  r.sent = counts.sent;
  r.failed = counts.failed;
  r.unsubscribed = store::unsubscribed_count(s, i.id);
  r.comments = store::comment_count(s, i.id);
  auto tracked = tracking_store::counts_of(s, i.id, 20);
  r.opened = tracked.opened;
  r.clicked = tracked.clicked;
  r.tracked = store::settings_of(s, i.community_id).tracking || r.opened > 0;
  for (auto& l : tracked.links) r.links.push_back({std::move(l.url), l.people});
  for (auto& f : app.outbox.failures(s, "newsletter:" + std::to_string(i.id), 100))
    r.failures.push_back({std::move(f.first), std::move(f.second)});
  return r;
}

shown show(app& app, db::session& s, issue i, bool host) {
  shown out;
  out.html = body_html(i, app.cfg.public_url);
  if (host) out.report = report_of(app, s, i);
  out.it = std::move(i);
  return out;
}

bool editable(const issue& i) {
  return i.status == "draft" || i.status == "scheduled";
}

}  // namespace

result<shown> create_issue(app& app, const caller& who, const std::string& slug,
                           const draft_input& in) {
  issue i;
  if (!in.subject) return errors::invalid("subject", field_problem::required);
  if (!in.body) return errors::invalid("body", field_problem::required);
  if (auto ok = apply(i, in); !ok) return ok.error();
  return app.db.write([&](db::transaction& tx) -> result<shown> {
    auto where = host_of(tx, who, slug);
    if (!where) return where.error();
    i.community_id = where->place.id;
    i.community_slug = where->place.slug;
    i.author_id = who.account_id;
    i.created_at = i.updated_at = app.clock.now();
    i.id = store::insert_issue(tx, i);
    if (auto ok = attach_images(app, tx, who, i.community_id, i.id, i.body); !ok) return ok.error();
    auto stored = store::issue_by_id(tx, i.id);
    record_changed(app, tx, *stored, false);
    return show(app, tx, std::move(*stored), true);
  });
}

result<shown> update_issue(app& app, const caller& who, std::int64_t id, const draft_input& in) {
  return app.db.write([&](db::transaction& tx) -> result<shown> {
    auto found = issue_for(tx, who, id);
    if (!found) return found.error();
    if (!found->where.is_host()) return errors::forbidden();
    issue& i = found->it;
    if (!editable(i)) return errors::of(not_editable);
    if (auto ok = apply(i, in); !ok) return ok.error();
    if (in.body)
      if (auto ok = attach_images(app, tx, who, i.community_id, i.id, i.body); !ok)
        return ok.error();
    i.updated_at = app.clock.now();
    store::update_issue(tx, i);
    record_changed(app, tx, i, false);
    return show(app, tx, std::move(i), true);
  });
}

outcome delete_issue(app& app, const caller& who, std::int64_t id) {
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto found = issue_for(tx, who, id);
    if (!found) return found.error();
    if (!found->where.is_host()) return errors::forbidden();
    if (!editable(found->it)) return errors::of(not_editable);
    if (found->it.status == "scheduled" &&
        !jobs::cancel(tx, send_job_kind, std::to_string(id), app.clock.now()))
      return errors::of(not_editable);  // its send is running this moment
    record_changed(app, tx, found->it, true);
    files::release(app, tx, files::on_newsletter, id);
    store::delete_issue(tx, id);
    return done;
  });
}

result<shown> send_issue(app& app, const caller& who, std::int64_t id,
                         const std::optional<std::string>& at, const audience_input& audience) {
  return app.db.write([&](db::transaction& tx) -> result<shown> {
    auto found = issue_for(tx, who, id);
    if (!found) return found.error();
    if (!found->where.is_host()) return errors::forbidden();
    issue& i = found->it;
    if (!editable(i)) return errors::of(not_editable);
    const millis now = app.clock.now();
    millis due = now;
    if (at) {
      auto when = instant_of(*at, found->where.place.timezone);
      if (!when) return errors::invalid("at", field_problem::invalid_format);
      if (*when <= now || *when > now + longest_schedule) return errors::of(invalid_send_time);
      due = *when;
    }
    if (audience.members) i.to_members = *audience.members;
    if (audience.subscribers) i.to_subscribers = *audience.subscribers;
    if (!i.to_members && !i.to_subscribers)
      return errors::invalid("audience", field_problem::required);
    i.status = at ? "scheduled" : "sending";
    i.scheduled_at = at ? std::optional<millis>(due) : std::nullopt;
    if (!at) i.started_at = now;
    i.updated_at = now;
    store::update_issue(tx, i);
    // The send itself is a job: it survives a restart, and one node runs it.
    jobs::schedule(tx, send_job_kind, std::to_string(i.id), "", due, now);
    record_changed(app, tx, i, false);
    return show(app, tx, std::move(i), true);
  });
}

result<shown> unschedule_issue(app& app, const caller& who, std::int64_t id) {
  return app.db.write([&](db::transaction& tx) -> result<shown> {
    auto found = issue_for(tx, who, id);
    if (!found) return found.error();
    if (!found->where.is_host()) return errors::forbidden();
    issue& i = found->it;
    if (i.status == "draft") return show(app, tx, std::move(i), true);
    if (i.status != "scheduled" ||
        !jobs::cancel(tx, send_job_kind, std::to_string(i.id), app.clock.now()))
      return errors::of(not_editable);
    i.status = "draft";
    i.scheduled_at = std::nullopt;
    i.updated_at = app.clock.now();
    store::update_issue(tx, i);
    record_changed(app, tx, i, false);
    return show(app, tx, std::move(i), true);
  });
}

outcome send_test(app& app, const caller& who, std::int64_t id) {
  const rate_check checks[] = {{test_emails_per_account, std::to_string(who.account_id)}};
  if (const int wait = app.throttle.acquire(checks); wait > 0) return errors::rate_limited(wait);
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto found = issue_for(tx, who, id);
    if (!found) return found.error();
    if (!found->where.is_host()) return errors::forbidden();
    auto me = store::account_recipient(tx, who.account_id);
    if (!me) return errors::not_found("account");
    tokens::key(tx, app.clock.now());  // so that its images' signed links are valid
    mail::draft d = email_to(app, tx, found->it, found->where.place, *me, /*test=*/true);
    d.subject = "[Test] " + d.subject;
    app.outbox.enqueue(tx, d);
    return done;
  });
}

result<preview> preview_issue(app& app, const caller& who, const std::string& slug,
                              const draft_input& in) {
  issue i;
  i.subject = in.subject.value_or("");
  i.body = in.body.value_or("");
  if (in.preview_text) i.preview_text = *in.preview_text;
  if (i.body.size() > max_body)
    return errors::invalid("body", field_problem::too_long, static_cast<long>(max_body));
  if (i.subject.size() > max_subject)
    return errors::invalid("subject", field_problem::too_long, static_cast<long>(max_subject));
  return app.db.read([&](db::session& s) -> result<preview> {
    auto where = host_of(s, who, slug);
    if (!where) return where.error();
    auto me = store::account_recipient(s, who.account_id);
    if (!me) return errors::not_found("account");
    i.community_id = where->place.id;
    i.community_slug = where->place.slug;
    const mail::draft d = email_to(app, s, i, where->place, *me, true);
    return preview{i.subject, d.html, d.body, body_html(i, app.cfg.public_url)};
  });
}

result<std::vector<shown>> list_issues(app& app, const caller& who, const std::string& slug) {
  return app.db.read([&](db::session& s) -> result<std::vector<shown>> {
    auto where = access::community_for(s, who, slug);
    if (!where) return where.error();
    const bool host = where->is_host();
    std::vector<shown> out;
    for (auto& i : store::issues_of(s, where->place.id, !host, listed_issues))
      out.push_back(show(app, s, std::move(i), host));
    return out;
  });
}

result<shown> get_issue(app& app, const caller& who, std::int64_t id) {
  return app.db.read([&](db::session& s) -> result<shown> {
    auto found = issue_for(s, who, id);
    if (!found) return found.error();
    return show(app, s, std::move(found->it), found->where.is_host());
  });
}

result<std::vector<comment>> list_comments(app& app, const caller& who, std::int64_t id) {
  return app.db.read([&](db::session& s) -> result<std::vector<comment>> {
    auto found = issue_for(s, who, id);
    if (!found) return found.error();
    return store::comments_of(s, id, listed_comments);
  });
}

result<comment> add_comment(app& app, const caller& who, std::int64_t id, const std::string& raw) {
  auto body = checked_text(raw, "body", max_comment, true);
  if (!body) return body.error();
  const rate_check checks[] = {{comments_per_account, std::to_string(who.account_id)}};
  if (const int wait = app.throttle.acquire(checks); wait > 0) return errors::rate_limited(wait);
  std::string html = render_markdown(*body);
  return app.db.write([&](db::transaction& tx) -> result<comment> {
    auto found = issue_for(tx, who, id);
    if (!found) return found.error();
    if (found->it.status != "sent") return errors::of(not_editable);
    comment c;
    c.newsletter_id = id;
    c.author_id = who.account_id;
    auto me = store::account_recipient(tx, who.account_id);
    c.author_name = me ? me->name : "";
    c.body = *body;
    c.html = std::move(html);
    c.created_at = app.clock.now();
    c.id = store::insert_comment(tx, c);
    record_comment(app, tx, found->it, c);
    return c;
  });
}

result<settings> get_settings(app& app, const caller& who, const std::string& slug) {
  return app.db.read([&](db::session& s) -> result<settings> {
    auto where = host_of(s, who, slug);
    if (!where) return where.error();
    return store::settings_of(s, where->place.id);
  });
}

result<settings> put_settings(app& app, const caller& who, const std::string& slug,
                              const settings_input& in) {
  std::optional<std::string> sender_name, postal_address;
  if (in.sender_name) {
    auto v = checked_text(*in.sender_name, "sender_name", 100, false);
    if (!v) return v.error();
    if (auto c = text::forbidden_in_name(*v)) return errors::forbidden_character("sender_name", *c);
    sender_name = *v;
  }
  if (in.postal_address) {
    auto v = checked_text(*in.postal_address, "postal_address", 300, false);
    if (!v) return v.error();
    postal_address = *v;
  }
  return app.db.write([&](db::transaction& tx) -> result<settings> {
    auto where = host_of(tx, who, slug);
    if (!where) return where.error();
    settings s = store::settings_of(tx, where->place.id);
    if (in.public_form) s.public_form = *in.public_form;
    if (in.tracking) s.tracking = *in.tracking;
    if (sender_name) s.sender_name = *sender_name;
    if (postal_address) s.postal_address = *postal_address;
    store::save_settings(tx, where->place.id, s);
    return s;
  });
}

}  // namespace ps::newsletter
