#include "tiers/migrations.hpp"

namespace ps::tiers {
namespace {

// A community's tiers (its levels of membership: "Ami", "Premier rang"), their names and
// descriptions in French and English, their order and the price shown; and which members hold
// which tier, until when. A tier is removed by marking it (deleted_at), so that what named it
// keeps a meaning; its holders lose it at once.
constexpr std::string_view tiers_schema = R"sql(
CREATE TABLE tiers (
  id {{id}},
  community_id BIGINT NOT NULL REFERENCES communities(id),
  name_fr TEXT NOT NULL DEFAULT '',
  name_en TEXT NOT NULL DEFAULT '',
  description_fr TEXT NOT NULL DEFAULT '',
  description_en TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL DEFAULT 0,
  price_cents BIGINT,
  currency TEXT NOT NULL DEFAULT 'CAD',
  price_period TEXT NOT NULL DEFAULT 'month',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  deleted_at BIGINT
);
CREATE INDEX tiers_community ON tiers(community_id, position, id);

CREATE TABLE member_tiers (
  community_id BIGINT NOT NULL REFERENCES communities(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  tier_id BIGINT NOT NULL REFERENCES tiers(id),
  granted_by BIGINT REFERENCES accounts(id),
  granted_at BIGINT NOT NULL,
  ends_at BIGINT,
  PRIMARY KEY (community_id, account_id, tier_id)
);
CREATE INDEX member_tiers_tier ON member_tiers(tier_id, account_id);
)sql";

// The tiers an invitation link gives whoever joins by it.
constexpr std::string_view invitation_tiers_schema = R"sql(
CREATE TABLE invitation_tiers (
  invitation_id BIGINT NOT NULL REFERENCES invitations(id),
  tier_id BIGINT NOT NULL REFERENCES tiers(id),
  PRIMARY KEY (invitation_id, tier_id)
);
)sql";

constexpr db::migration steps[] = {
    {23, "tiers: a community's levels of membership, and who holds them until when", tiers_schema},
    {24, "tiers: the tiers an invitation link gives", invitation_tiers_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::tiers
