#include "communities/migrations.hpp"

namespace ps::communities {
namespace {

// A person removed by a host may not rejoin the community, by any link, until a host lets them
// back (lifted_at). Leaving on one's own makes no row. Rows stay once lifted, as memberships do.
constexpr std::string_view removals_schema = R"sql(
CREATE TABLE removals (
  id {{id}},
  community_id BIGINT NOT NULL REFERENCES communities(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  membership_id BIGINT NOT NULL REFERENCES memberships(id),
  removed_by BIGINT NOT NULL REFERENCES accounts(id),
  removed_at BIGINT NOT NULL,
  lifted_by BIGINT REFERENCES accounts(id),
  lifted_at BIGINT
);
CREATE UNIQUE INDEX removals_current ON removals(community_id, account_id) WHERE lifted_at IS NULL;
)sql";

constexpr db::migration steps[] = {
    {2, "removals: a removed person stays out until a host lets them back", removals_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::communities
