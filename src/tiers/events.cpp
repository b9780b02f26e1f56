#include "tiers/events.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "access/policy.hpp"
#include "realtime/events.hpp"
#include "tiers/store.hpp"

namespace ps::tiers {
namespace {

std::string tier_json(const realtime::logged_event& e, const tier& t) {
  // One text for every reader: the names of both languages are in `translations`.
  return realtime::event_text({{"type", e.type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"tier", to_json(t, locale::fr, std::nullopt)}});
}

std::string deleted_json(const realtime::logged_event& e) {
  return realtime::event_text({{"type", e.type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"tier_id", e.subject_id.value_or(0)},
                               {"deleted", true}});
}

std::string grants_json(const realtime::logged_event& e, std::int64_t account_id,
                        const std::vector<grant>& grants) {
  auto list = nlohmann::json::array();
  for (const auto& g : grants) list.push_back(to_json(g));
  return realtime::event_text({{"type", e.type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"account_id", account_id},
                               {"tiers", std::move(list)}});
}

std::optional<std::string> replay_tier(db::session& s, const realtime::logged_event& e) {
  if (!e.subject_id) return std::nullopt;
  auto t = store::tier_by_id(s, *e.subject_id);
  if (!t || t->deleted_at) return deleted_json(e);
  return tier_json(e, *t);
}

// To the member it is about, or a host, as their tiers are now.
std::optional<std::string> replay_member_tiers(db::session& s, const realtime::logged_event& e) {
  if (!e.subject_id || !e.only_account_id) return std::nullopt;
  if (*e.only_account_id != *e.subject_id) {
    const auto hosts = access::hosts_of(s, e.community_id);
    if (std::ranges::find(hosts, *e.only_account_id) == hosts.end()) return std::nullopt;
  }
  return grants_json(e, *e.subject_id, store::grants_of(s, e.community_id, *e.subject_id));
}

}  // namespace

void add_event_types(realtime::event_catalog& catalog) {
  catalog.add("tier.changed", replay_tier);
  catalog.add("member.tiers.changed", replay_member_tiers);
}

void record_tier(app& app, db::transaction& tx, const tier& t, bool deleted) {
  realtime::logged_event e;
  e.community_id = t.community_id;
  e.type = "tier.changed";
  e.subject_id = t.id;
  e.created_at = app.clock.now();
  if (deleted) e.detail = "deleted";
  realtime::append(tx, e);
  realtime::publish_after_commit(
      tx, app.hub, access::whole_community(t.community_id),
      realtime::logged_frame(deleted ? deleted_json(e) : tier_json(e, t), e));
}

void record_member_tiers(app& app, db::transaction& tx, std::int64_t community_id,
                         std::int64_t account_id, const std::vector<grant>& grants) {
  std::vector<std::int64_t> readers = access::hosts_of(tx, community_id);
  if (std::ranges::find(readers, account_id) == readers.end()) readers.push_back(account_id);
  for (const auto reader : readers) {
    realtime::logged_event e;
    e.community_id = community_id;
    e.type = "member.tiers.changed";
    e.subject_id = account_id;
    e.only_account_id = reader;
    e.created_at = app.clock.now();
    realtime::append(tx, e);
    realtime::publish_after_commit(tx, app.hub, access::just(community_id, reader),
                                   realtime::logged_frame(grants_json(e, account_id, grants), e));
  }
}

}  // namespace ps::tiers
