#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"
#include "tiers/model.hpp"

namespace ps::db {
class transaction;
}  // namespace ps::db

// Tiers (issue 14, first part): hosts define a community's levels of membership and grant them to
// members by hand, each until a date or with no end. Every member may read the tiers (their
// names and prices); hosts see how many hold each. What a tier gives (rooms, posts, events,
// episodes restricted to it) is decided by the access policy in a later step.
namespace ps::tiers {

inline constexpr std::int64_t max_tiers = 20;                        // per community
inline constexpr std::size_t max_name = 60, max_description = 1000;  // bytes

struct text_pair {
  std::optional<std::string> name, description;
};
// `name`/`description` are in the caller's language; `fr`/`en` set a language explicitly.
struct tier_input {
  std::optional<std::string> name, description;
  text_pair fr, en;
  std::optional<std::int64_t> position;
  bool price_given = false;  // `price` in the body, null included
  std::optional<std::int64_t> price_cents;
  std::optional<std::string> currency, price_period;
};

struct listed {
  std::vector<tier> tiers;
  std::optional<std::map<std::int64_t, std::int64_t>> holders;  // hosts only
};

result<tier> create_tier(app& app, const caller& who, const std::string& slug,
                         const tier_input& in);
result<listed> list_tiers(app& app, const caller& who, const std::string& slug);
result<tier> update_tier(app& app, const caller& who, std::int64_t tier_id, const tier_input& in);
outcome delete_tier(app& app, const caller& who, std::int64_t tier_id);

// One grant asked for: a tier, until when (none: no end).
struct grant_input {
  std::int64_t tier_id = 0;
  std::optional<millis> ends_at;
};
// Hosts only: the member's tiers become exactly these. 404 when `account_id` is not a member.
result<std::vector<grant>> set_member_tiers(app& app, const caller& who, const std::string& slug,
                                            std::int64_t account_id,
                                            const std::vector<grant_input>& grants);
// The member's current tiers: for themselves or a host.
result<std::vector<grant>> member_tiers(app& app, const caller& who, const std::string& slug,
                                        std::int64_t account_id);

// Invitation links that give tiers (invitations/service.cpp calls these in its transactions).
// The invitation `invitation_id` of the community gives `tier_ids`: each a tier of it, once,
// 20 at most (422 naming `tier_ids` otherwise).
outcome give_with_invitation(db::transaction& tx, std::int64_t community_id,
                             std::int64_t invitation_id, const std::vector<std::int64_t>& tier_ids);
// Whoever just joined by the invitation holds its tiers (those not deleted since), granted by
// the invitation's maker, with no end; the event follows when there are any.
void grant_invitation_tiers(app& app, db::transaction& tx, std::int64_t community_id,
                            std::int64_t invitation_id, std::int64_t account_id,
                            std::int64_t granted_by);

}  // namespace ps::tiers
