#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "db/database.hpp"
#include "tiers/model.hpp"

// The SQL of the tiers' tables, and nothing else.
namespace ps::tiers::store {

std::int64_t insert_tier(db::transaction& tx, const tier& t);
void update_tier(db::transaction& tx, const tier& t);
std::optional<tier> tier_by_id(db::session& s, std::int64_t id);
// The community's tiers not deleted, in their order.
std::vector<tier> tiers_of(db::session& s, std::int64_t community_id);
std::int64_t tier_count(db::session& s, std::int64_t community_id);
// One past the largest position of the community's tiers (0 for the first).
int next_position(db::session& s, std::int64_t community_id);
// The accounts holding the tier (grants ended or not).
std::vector<std::int64_t> holders_of(db::session& s, std::int64_t tier_id);
// How many members hold each tier now (current grants of current members).
std::map<std::int64_t, std::int64_t> holders(db::session& s, std::int64_t community_id, millis now);

// The member's grants, ended ones included, of tiers not deleted.
std::vector<grant> grants_of(db::session& s, std::int64_t community_id, std::int64_t account_id);
void delete_grants(db::transaction& tx, std::int64_t community_id, std::int64_t account_id);
void insert_grant(db::transaction& tx, std::int64_t community_id, const grant& g);
// A deleted tier is held by nobody.
void delete_grants_of_tier(db::transaction& tx, std::int64_t tier_id);

void insert_invitation_tier(db::transaction& tx, std::int64_t invitation_id, std::int64_t tier_id);
// The tiers (not deleted) an invitation gives.
std::vector<std::int64_t> tiers_of_invitation(db::session& s, std::int64_t invitation_id);
// The same for every invitation of a community: invitation id -> tier ids.
std::map<std::int64_t, std::vector<std::int64_t>> tiers_of_invitations(db::session& s,
                                                                       std::int64_t community_id);

}  // namespace ps::tiers::store
