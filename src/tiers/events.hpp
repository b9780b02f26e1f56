#pragma once
#include <vector>

#include "app/app.hpp"
#include "realtime/event_log.hpp"
#include "tiers/model.hpp"

// The tiers' events:
// - tier.changed {"type", "community_id", "pos", "tier": {…}} (created or edited), or
//   {"tier_id", "deleted": true}: to the whole community (every member reads the tiers);
// - member.tiers.changed {"account_id", "tiers": [{tier_id, granted_at, ends_at}]}: to that member
//   and to each host, one event each, as they are now when replayed.
namespace ps::tiers {

void add_event_types(realtime::event_catalog& catalog);
void record_tier(app& app, db::transaction& tx, const tier& t, bool deleted);
void record_member_tiers(app& app, db::transaction& tx, std::int64_t community_id,
                         std::int64_t account_id, const std::vector<grant>& grants);

}  // namespace ps::tiers
