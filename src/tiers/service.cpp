#include "tiers/service.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "access/policy.hpp"
#include "communities/store.hpp"
#include "core/text.hpp"
#include "db/database.hpp"
#include "tiers/events.hpp"
#include "tiers/store.hpp"

namespace ps::tiers {
namespace {

constexpr std::int64_t max_price_cents = 100'000'000;  // a million, in any currency

result<std::string> checked(const std::string& raw, std::string_view field, std::size_t max,
                            bool multiline) {
  std::string value(text::trim(text::to_valid_utf8(raw)));
  if (value.size() > max)
    return errors::invalid(std::string(field), field_problem::too_long, static_cast<long>(max));
  if (auto c = multiline ? text::forbidden_in_text(value) : text::forbidden_in_name(value))
    return errors::forbidden_character(std::string(field), *c);
  return value;
}

// Applies `in` to `t`; `reader` is the language `name` and `description` are written in.
outcome apply(tier& t, const tier_input& in, locale reader) {
  auto set = [](std::string& to, const std::optional<std::string>& from, std::string_view field,
                std::size_t max, bool multiline) -> outcome {
    if (!from) return done;
    auto v = checked(*from, field, max, multiline);
    if (!v) return v.error();
    to = std::move(*v);
    return done;
  };
  const bool en = reader == locale::en;
  for (auto r : {set(en ? t.name_en : t.name_fr, in.name, "name", max_name, false),
                 set(en ? t.description_en : t.description_fr, in.description, "description",
                     max_description, true),
                 set(t.name_fr, in.fr.name, "translations.fr.name", max_name, false),
                 set(t.description_fr, in.fr.description, "translations.fr.description",
                     max_description, true),
                 set(t.name_en, in.en.name, "translations.en.name", max_name, false),
                 set(t.description_en, in.en.description, "translations.en.description",
                     max_description, true)})
    if (!r) return r;
  if (t.name_fr.empty() && t.name_en.empty())
    return errors::invalid("name", field_problem::required);
  if (in.position) {
    if (*in.position < 0 || *in.position > 1000)
      return errors::invalid("position", field_problem::out_of_range, 1000);
    t.position = static_cast<int>(*in.position);
  }
  if (in.price_given) {
    if (in.price_cents && (*in.price_cents < 0 || *in.price_cents > max_price_cents))
      return errors::invalid("price.amount_cents", field_problem::out_of_range, max_price_cents);
    t.price_cents = in.price_cents;
  }
  if (in.currency) {
    const bool three_letters =
        in.currency->size() == 3 &&
        std::ranges::all_of(*in.currency, [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!three_letters) return errors::invalid("price.currency", field_problem::invalid_format);
    t.currency = *in.currency;
  }
  if (in.price_period) {
    if (*in.price_period != "month" && *in.price_period != "year" && *in.price_period != "once")
      return errors::invalid("price.period", field_problem::not_allowed);
    t.price_period = *in.price_period;
  }
  return done;
}

result<access::member_ref> host_of(db::session& s, const caller& who, const std::string& slug) {
  auto where = access::community_for(s, who, slug);
  if (!where) return where.error();
  if (!where->is_host()) return errors::forbidden();
  return where;
}

// The tier, for a host of its community; 404 for anyone else who is not a member of it.
result<tier> hosted_tier(db::session& s, const caller& who, std::int64_t tier_id) {
  auto t = store::tier_by_id(s, tier_id);
  if (!t || t->deleted_at) return errors::not_found("tier");
  auto where = access::community_for(s, who, t->community_id);
  if (!where) return errors::not_found("tier");
  if (!where->is_host()) return errors::forbidden();
  return *t;
}

std::vector<grant> current_only(std::vector<grant> all, millis now) {
  std::erase_if(all, [&](const grant& g) { return !g.current(now); });
  return all;
}

}  // namespace

result<tier> create_tier(app& app, const caller& who, const std::string& slug,
                         const tier_input& in) {
  return app.db.write([&](db::transaction& tx) -> result<tier> {
    auto where = host_of(tx, who, slug);
    if (!where) return where.error();
    if (store::tier_count(tx, where->place.id) >= max_tiers)
      return errors::limit_reached("tiers", max_tiers);
    tier t;
    t.community_id = where->place.id;
    t.position = store::next_position(tx, where->place.id);
    if (auto ok = apply(t, in, who.lang); !ok) return ok.error();
    t.created_at = t.updated_at = app.clock.now();
    t.id = store::insert_tier(tx, t);
    record_tier(app, tx, t, false);
    return t;
  });
}

result<listed> list_tiers(app& app, const caller& who, const std::string& slug) {
  return app.db.read([&](db::session& s) -> result<listed> {
    auto where = access::community_for(s, who, slug);
    if (!where) return where.error();
    listed out;
    out.tiers = store::tiers_of(s, where->place.id);
    if (where->is_host()) out.holders = store::holders(s, where->place.id, app.clock.now());
    return out;
  });
}

result<tier> update_tier(app& app, const caller& who, std::int64_t tier_id, const tier_input& in) {
  return app.db.write([&](db::transaction& tx) -> result<tier> {
    auto t = hosted_tier(tx, who, tier_id);
    if (!t) return t.error();
    if (auto ok = apply(*t, in, who.lang); !ok) return ok.error();
    t->updated_at = app.clock.now();
    store::update_tier(tx, *t);
    record_tier(app, tx, *t, false);
    return *t;
  });
}

outcome delete_tier(app& app, const caller& who, std::int64_t tier_id) {
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto t = hosted_tier(tx, who, tier_id);
    if (!t) return t.error();
    const millis now = app.clock.now();
    t->deleted_at = t->updated_at = now;
    const auto held_by = store::holders_of(tx, t->id);
    store::update_tier(tx, *t);
    store::delete_grants_of_tier(tx, t->id);
    record_tier(app, tx, *t, true);
    // Those who held it hear that their tiers changed, as from a host's new grants.
    for (const auto account : held_by)
      record_member_tiers(app, tx, t->community_id, account,
                          current_only(store::grants_of(tx, t->community_id, account), now));
    return done;
  });
}

result<std::vector<grant>> set_member_tiers(app& app, const caller& who, const std::string& slug,
                                            std::int64_t account_id,
                                            const std::vector<grant_input>& grants) {
  if (grants.size() > static_cast<std::size_t>(max_tiers))
    return errors::invalid("tier_ids", field_problem::too_many, max_tiers);
  return app.db.write([&](db::transaction& tx) -> result<std::vector<grant>> {
    auto where = host_of(tx, who, slug);
    if (!where) return where.error();
    if (!communities::store::current_membership(tx, where->place.id, account_id))
      return errors::not_found("member");
    std::set<std::int64_t> known;
    for (const auto& t : store::tiers_of(tx, where->place.id)) known.insert(t.id);
    const millis now = app.clock.now();
    std::set<std::int64_t> seen;
    for (const auto& g : grants) {
      if (!known.contains(g.tier_id))
        return errors::invalid("tier_ids", field_problem::not_allowed);
      if (!seen.insert(g.tier_id).second)
        return errors::invalid("tier_ids", field_problem::not_allowed);
      if (g.ends_at && *g.ends_at <= now)
        return errors::invalid("ends_at", field_problem::out_of_range);
    }
    // A tier kept from before keeps who granted it and since when; only its end may change.
    std::map<std::int64_t, grant> before;
    for (auto& g : store::grants_of(tx, where->place.id, account_id))
      if (g.current(now)) before.emplace(g.tier_id, g);
    store::delete_grants(tx, where->place.id, account_id);
    for (const auto& g : grants) {
      grant row;
      if (auto kept = before.find(g.tier_id); kept != before.end()) {
        row = kept->second;
      } else {
        row.tier_id = g.tier_id;
        row.account_id = account_id;
        row.granted_by = who.account_id;
        row.granted_at = now;
      }
      row.ends_at = g.ends_at;
      store::insert_grant(tx, where->place.id, row);
    }
    auto now_held = current_only(store::grants_of(tx, where->place.id, account_id), now);
    record_member_tiers(app, tx, where->place.id, account_id, now_held);
    return now_held;
  });
}

result<std::vector<grant>> member_tiers(app& app, const caller& who, const std::string& slug,
                                        std::int64_t account_id) {
  return app.db.read([&](db::session& s) -> result<std::vector<grant>> {
    auto where = access::community_for(s, who, slug);
    if (!where) return where.error();
    if (account_id != who.account_id && !where->is_host()) return errors::forbidden();
    if (!communities::store::current_membership(s, where->place.id, account_id))
      return errors::not_found("member");
    return current_only(store::grants_of(s, where->place.id, account_id), app.clock.now());
  });
}

outcome give_with_invitation(db::transaction& tx, std::int64_t community_id,
                             std::int64_t invitation_id,
                             const std::vector<std::int64_t>& tier_ids) {
  if (tier_ids.size() > static_cast<std::size_t>(max_tiers))
    return errors::invalid("tier_ids", field_problem::too_many, max_tiers);
  std::set<std::int64_t> known;
  for (const auto& t : store::tiers_of(tx, community_id)) known.insert(t.id);
  std::set<std::int64_t> seen;
  for (const auto id : tier_ids)
    if (!known.contains(id) || !seen.insert(id).second)
      return errors::invalid("tier_ids", field_problem::not_allowed);
  for (const auto id : tier_ids) store::insert_invitation_tier(tx, invitation_id, id);
  return done;
}

void grant_invitation_tiers(app& app, db::transaction& tx, std::int64_t community_id,
                            std::int64_t invitation_id, std::int64_t account_id,
                            std::int64_t granted_by) {
  const auto given = store::tiers_of_invitation(tx, invitation_id);
  if (given.empty()) return;
  const millis now = app.clock.now();
  for (const auto id : given) {
    grant g;
    g.tier_id = id;
    g.account_id = account_id;
    g.granted_by = granted_by;
    g.granted_at = now;
    store::insert_grant(tx, community_id, g);
  }
  record_member_tiers(app, tx, community_id, account_id,
                      current_only(store::grants_of(tx, community_id, account_id), now));
}

}  // namespace ps::tiers
