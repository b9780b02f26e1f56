#include "newsletter/events.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "access/policy.hpp"
#include "newsletter/store.hpp"
#include "realtime/events.hpp"

namespace ps::newsletter {
namespace {

realtime::logged_event event_of(const issue& i, const char* type, millis now) {
  realtime::logged_event e;
  e.community_id = i.community_id;
  e.type = type;
  e.subject_id = i.id;
  e.created_at = now;
  return e;
}

std::string issue_json(const realtime::logged_event& e, const issue& i) {
  return realtime::event_text({{"type", e.type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"newsletter", to_json(i, nullptr)}});
}

std::string deleted_json(const realtime::logged_event& e) {
  return realtime::event_text({{"type", e.type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"newsletter_id", e.subject_id.value_or(0)},
                               {"deleted", true}});
}

std::string comment_json(const realtime::logged_event& e, const comment& c) {
  return realtime::event_text({{"type", e.type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"newsletter_id", c.newsletter_id},
                               {"comment", to_json(c)}});
}

bool is_host_now(db::session& s, std::int64_t community_id, std::int64_t account_id) {
  const auto hosts = access::hosts_of(s, community_id);
  return std::ranges::find(hosts, account_id) != hosts.end();
}

// To the one host it was logged for, if they are a host still; as the issue is now.
std::optional<std::string> replay_changed(db::session& s, const realtime::logged_event& e) {
  if (!e.subject_id || !e.only_account_id || !is_host_now(s, e.community_id, *e.only_account_id))
    return std::nullopt;
  if (e.detail == "deleted") return deleted_json(e);
  auto i = store::issue_by_id(s, *e.subject_id);
  if (!i) return deleted_json(e);
  return issue_json(e, *i);
}

std::optional<std::string> replay_published(db::session& s, const realtime::logged_event& e) {
  if (!e.subject_id) return std::nullopt;
  auto i = store::issue_by_id(s, *e.subject_id);
  if (!i || i->status != "sent" || !i->to_members) return std::nullopt;
  return issue_json(e, *i);
}

std::optional<std::string> replay_comment(db::session& s, const realtime::logged_event& e) {
  if (!e.subject_id) return std::nullopt;
  if (e.only_account_id && !is_host_now(s, e.community_id, *e.only_account_id)) return std::nullopt;
  auto c = store::comment_by_id(s, *e.subject_id);
  if (!c) return std::nullopt;
  return comment_json(e, *c);
}

}  // namespace

void add_event_types(realtime::event_catalog& catalog) {
  catalog.add("newsletter.changed", replay_changed);
  catalog.add("newsletter.published", replay_published);
  catalog.add("newsletter.comment.created", replay_comment);
}

void record_changed(app& app, db::transaction& tx, const issue& i, bool deleted) {
  for (const auto host : access::hosts_of(tx, i.community_id)) {
    auto e = event_of(i, "newsletter.changed", app.clock.now());
    e.only_account_id = host;
    if (deleted) e.detail = "deleted";
    realtime::append(tx, e);
    realtime::publish_after_commit(
        tx, app.hub, access::just(i.community_id, host),
        realtime::logged_frame(deleted ? deleted_json(e) : issue_json(e, i), e));
  }
}

void record_published(app& app, db::transaction& tx, const issue& i) {
  auto e = event_of(i, "newsletter.published", app.clock.now());
  realtime::append(tx, e);
  realtime::publish_after_commit(tx, app.hub, access::whole_community(i.community_id),
                                 realtime::logged_frame(issue_json(e, i), e));
}

void record_comment(app& app, db::transaction& tx, const issue& i, const comment& c) {
  auto one = [&](std::optional<std::int64_t> only) {
    realtime::logged_event e;
    e.community_id = i.community_id;
    e.type = "newsletter.comment.created";
    e.subject_id = c.id;
    e.actor_id = c.author_id;
    e.only_account_id = only;
    e.created_at = c.created_at;
    realtime::append(tx, e);
    realtime::publish_after_commit(
        tx, app.hub,
        only ? access::just(i.community_id, *only) : access::whole_community(i.community_id),
        realtime::logged_frame(comment_json(e, c), e));
  };
  // An issue for subscribers alone is read by the hosts alone.
  if (i.to_members) return one(std::nullopt);
  for (const auto host : access::hosts_of(tx, i.community_id)) one(host);
}

}  // namespace ps::newsletter
