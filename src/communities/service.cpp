#include "communities/service.hpp"

#include <nlohmann/json.hpp>

#include "access/store.hpp"
#include "communities/errors.hpp"
#include "communities/events.hpp"
#include "communities/store.hpp"
#include "core/instants.hpp"
#include "core/text.hpp"
#include "invitations/store.hpp"
#include "realtime/event_log.hpp"
#include "realtime/everywhere.hpp"

namespace ps::communities {
namespace {

outcome check_name(const std::string& name) {
  if (name.empty()) return errors::invalid("name", field_problem::required);
  if (text::utf8_length(name) > 80) return errors::invalid("name", field_problem::too_long, 80);
  if (auto bad = text::forbidden_in_name(name)) return errors::forbidden_character("name", *bad);
  return done;
}

outcome check_description(const std::string& description) {
  if (text::utf8_length(description) > 2000)
    return errors::invalid("description", field_problem::too_long, 2000);
  if (auto bad = text::forbidden_in_text(description))
    return errors::forbidden_character("description", *bad);
  return done;
}

}  // namespace

result<member_ref> access_community(app& app, const caller& who, const std::string& slug) {
  return app.db.read([&](db::session& s) { return access::community_for(s, who, slug); });
}

result<member_ref> community_details(app& app, const caller& who, const std::string& slug) {
  return app.db.read([&](db::session& s) -> result<member_ref> {
    auto ref = access::community_for(s, who, slug);
    if (!ref) return ref.error();
    ref->place.member_count = store::member_count(s, ref->place.id);
    return ref;
  });
}

result<member_ref> create_community(app& app, const caller& who, const community_form& form) {
  community c;
  c.name = std::string(text::trim(form.name));
  if (auto ok = check_name(c.name); !ok) return ok.error();
  c.description = std::string(text::trim(form.description.value_or("")));
  if (auto ok = check_description(c.description); !ok) return ok.error();
  const bool slug_given = form.slug.has_value();
  c.slug = slug_given ? text::to_lower_ascii(text::trim(*form.slug)) : text::slugify(c.name);
  if (slug_given && !text::is_valid_slug(c.slug))
    return errors::invalid("slug", field_problem::invalid_format);
  if (!slug_given && c.slug.size() < 2) c.slug = "communaute";
  c.lang = who.lang;
  if (form.locale && !parse_locale(*form.locale, c.lang))
    return errors::invalid("locale", field_problem::not_allowed);
  c.timezone = form.timezone.value_or("America/Toronto");
  if (!known_zone(c.timezone))
    return errors::invalid("timezone", field_problem::not_allowed);
  c.owner_id = who.account_id;
  c.created_at = app.clock.now();
  c.member_count = 1;

  try {
    auto created = app.db.write([&](db::transaction& tx) -> result<member_ref> {
      if (store::slug_exists(tx, c.slug)) {
        if (slug_given) return errors::of(slug_taken);
        // A derived slug gets a number, as two "Les voisins" are common and both deserve a home.
        // Cut back to a letter or digit so a cut after a dash does not make "voisins--2".
        std::string base = c.slug.substr(0, 36);
        while (base.size() > 1 && base.back() == '-') base.pop_back();
        for (int n = 2;; ++n) {
          c.slug = base + "-" + std::to_string(n);
          if (!store::slug_exists(tx, c.slug)) break;
        }
      }
      c.id = store::insert_community(tx, c);
      store::insert_membership(tx, c, who.account_id, role::owner, std::nullopt, std::nullopt,
                               c.created_at);
      realtime::everywhere::join(tx, app.hub, who.account_id, c.id);
      auto made = access::community_for(tx, who, c.id);
      if (made) made->place.member_count = 1;
      return made;
    });
    return created;
  } catch (const db::constraint_violation&) {
    return errors::of(slug_taken);
  }
}

namespace {

// What a host may change, checked against the community as it is in `tx`.
result<community> changed_community(community c, const community_changes& changes) {
  if (changes.name) {
    c.name = std::string(text::trim(*changes.name));
    if (auto ok = check_name(c.name); !ok) return ok.error();
  }
  if (changes.description) {
    c.description = std::string(text::trim(*changes.description));
    if (auto ok = check_description(c.description); !ok) return ok.error();
  }
  if (changes.locale && !parse_locale(*changes.locale, c.lang))
    return errors::invalid("locale", field_problem::not_allowed);
  if (changes.timezone) {
    if (!known_zone(*changes.timezone))
      return errors::invalid("timezone", field_problem::not_allowed);
    c.timezone = *changes.timezone;
  }
  if (changes.members_can_invite) c.members_can_invite = *changes.members_can_invite;
  if (changes.member_invite_quota) {
    if (*changes.member_invite_quota < 0 || *changes.member_invite_quota > 1000)
      return errors::invalid("member_invite_quota", field_problem::out_of_range);
    c.member_invite_quota = *changes.member_invite_quota;
  }
  return c;
}

// Logs an event of the whole community in `tx`, renders it from what the transaction has just
// written (as a replay would), and publishes it to every member after the commit.
void record_for_everyone(app& app, db::transaction& tx, std::int64_t community_id, const char* type,
                         std::int64_t subject_id,
                         std::optional<std::string> (*render)(db::session&,
                                                              const realtime::logged_event&),
                         std::optional<std::int64_t> actor_id = std::nullopt) {
  realtime::logged_event e;
  e.community_id = community_id;
  e.type = type;
  e.subject_id = subject_id;
  e.actor_id = actor_id;
  e.created_at = app.clock.now();
  realtime::append(tx, e);
  auto text = render(tx, e);
  if (!text) return;
  realtime::publish_after_commit(tx, app.hub, access::whole_community(community_id),
                                 realtime::logged_frame(std::move(*text), e));
}

}  // namespace

result<community> update_community(app& app, const caller& who, const std::string& slug,
                                   const community_changes& changes) {
  return app.db.write([&](db::transaction& tx) -> result<community> {
    auto ref = access::community_for(tx, who, slug);
    if (!ref) return ref.error();
    if (!ref->is_host()) return errors::forbidden();
    auto c = changed_community(ref->place, changes);
    if (!c) return c.error();
    store::update_community(tx, *c);
    // Every member sees the community's name and description: the change is an event.
    record_for_everyone(app, tx, c->id, "community.updated", c->id, render_community_event,
                        who.account_id);
    return c;
  });
}

std::vector<membership> memberships_of(app& app, const caller& who) {
  return app.db.read(
      [&](db::session& s) { return store::memberships_of_account(s, who.account_id); });
}

result<std::vector<member>> list_members(app& app, const caller& who, const std::string& slug) {
  return app.db.read([&](db::session& s) -> result<std::vector<member>> {
    auto ref = access::community_for(s, who, slug);
    if (!ref) return ref.error();
    return store::current_members(s, ref->place.id);
  });
}

outcome remove_member(app& app, const caller& who, const std::string& slug,
                      std::int64_t account_id) {
  const millis now = app.clock.now();
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto ref = access::community_for(tx, who, slug);
    if (!ref) return ref.error();
    auto target = store::current_member(tx, ref->place.id, account_id);
    if (!target) return errors::not_found("member");
    const bool leaving = account_id == who.account_id;
    if (target->member_role == role::owner)
      return errors::forbidden();  // the owner cannot be removed
    if (!leaving) {
      if (!ref->is_host()) return errors::forbidden();
      // Hosts remove members; only the owner removes another host.
      if (target->member_role == role::host && ref->self.member_role != role::owner)
        return errors::forbidden();
    }
    if (!leaving) {
      // Removed, not left: barred from every link until a host lets them back, and the links
      // they made (which they could no longer revoke) stop working.
      store::insert_removal(tx, ref->place.id, account_id, who.account_id, now);
      invitations::store::revoke_all_by_creator(tx, ref->place.id, account_id, now);
    }
    store::end_membership(tx, ref->place.id, account_id, now);
    access::store::end_participations(tx, ref->place.id, account_id);
    // Everyone, the removed person included, learns of it; then their connections stop
    // receiving the community and are closed once that event has gone out (close code 4403:
    // the app reconnects, and its new hello no longer names the community). In that order on
    // every shard.
    record_member_event(app, tx, ref->place.id, "member.removed", account_id);
    realtime::everywhere::leave(tx, app.hub, account_id, ref->place.id);
    realtime::everywhere::reconnect_account_streams(tx, app.hub, account_id);
    return done;
  });
}

result<std::vector<removal>> list_removed(app& app, const caller& who, const std::string& slug) {
  return app.db.read([&](db::session& s) -> result<std::vector<removal>> {
    auto ref = access::community_for(s, who, slug);
    if (!ref) return ref.error();
    if (!ref->is_host()) return errors::forbidden();
    return store::current_removals(s, ref->place.id);
  });
}

outcome let_back_in(app& app, const caller& who, const std::string& slug, std::int64_t account_id) {
  const millis now = app.clock.now();
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto ref = access::community_for(tx, who, slug);
    if (!ref) return ref.error();
    if (!ref->is_host()) return errors::forbidden();
    auto removed = store::current_removal(tx, ref->place.id, account_id);
    if (!removed) return errors::not_found("removal");
    // As with removing: only the owner decides about a host.
    if (removed->member_role == role::host && ref->self.member_role != role::owner)
      return errors::forbidden();
    store::lift_removal(tx, ref->place.id, account_id, who.account_id, now);
    return done;
  });
}

result<member> change_role(app& app, const caller& who, const std::string& slug,
                           std::int64_t account_id, const std::string& role_text) {
  role next;
  if (!parse_role(role_text, next) || next == role::owner)
    return errors::invalid("role", field_problem::not_allowed);
  return app.db.write([&](db::transaction& tx) -> result<member> {
    auto ref = access::community_for(tx, who, slug);
    if (!ref) return ref.error();
    if (ref->self.member_role != role::owner) return errors::forbidden();
    auto target = store::current_member(tx, ref->place.id, account_id);
    if (!target) return errors::not_found("member");
    if (target->member_role == role::owner) return errors::forbidden();
    store::set_role(tx, ref->place.id, account_id, next);
    target->member_role = next;
    record_member_event(app, tx, ref->place.id, "member.role_changed", account_id);
    // What a host sees differs from what a member sees: the person's live streams start again
    // (4403, after the event), so nothing decided under the old role outlives it.
    realtime::everywhere::reconnect_account_streams(tx, app.hub, account_id);
    return *target;
  });
}

void publish_member_joined(app& app, db::transaction& tx, const membership& m) {
  // Their connections receive the community first, so that they see their own arrival.
  realtime::everywhere::join(tx, app.hub, m.account_id, m.community_id);
  record_member_event(app, tx, m.community_id, "member.joined", m.account_id);
}

void record_member_event(app& app, db::transaction& tx, std::int64_t community_id, const char* type,
                         std::int64_t account_id) {
  record_for_everyone(app, tx, community_id, type, account_id, render_member_event);
}

}  // namespace ps::communities
