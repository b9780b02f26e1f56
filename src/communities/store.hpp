#pragma once
#include <optional>
#include <string>
#include <vector>

#include "communities/model.hpp"
#include "db/database.hpp"

// The SQL of communities and memberships.
namespace ps::communities::store {

std::optional<community> community_by_slug(db::session& s, const std::string& slug);
std::optional<community> community_by_id(db::session& s, std::int64_t id);
// Current members; not part of community_by_*(), which every access check runs.
std::int64_t member_count(db::session& s, std::int64_t community_id);
bool slug_exists(db::session& s, const std::string& slug);
std::int64_t insert_community(db::transaction& tx, const community& c);
void update_community(db::transaction& tx, const community& c);

// The caller's current membership, if any.
std::optional<membership> current_membership(db::session& s, std::int64_t community_id, std::int64_t account_id);
std::vector<membership> memberships_of_account(db::session& s, std::int64_t account_id);
std::vector<member> current_members(db::session& s, std::int64_t community_id);
std::optional<member> current_member(db::session& s, std::int64_t community_id, std::int64_t account_id);
std::vector<std::int64_t> community_ids_of_account(db::session& s, std::int64_t account_id);

// Takes the community's next member number (never reused) and records the membership.
membership insert_membership(db::transaction& tx, const community& c, std::int64_t account_id, role r,
                             std::optional<std::int64_t> invited_by, std::optional<std::int64_t> invitation_id,
                             millis now);
void end_membership(db::transaction& tx, std::int64_t community_id, std::int64_t account_id, millis now);
void set_role(db::transaction& tx, std::int64_t community_id, std::int64_t account_id, role r);

// Records that a host removed a current member (call before end_membership).
void insert_removal(db::transaction& tx, std::int64_t community_id, std::int64_t account_id,
                    std::int64_t removed_by, millis now);
// Whether the person is removed from the community and not let back yet.
bool is_removed(db::session& s, std::int64_t community_id, std::int64_t account_id);
std::vector<removal> current_removals(db::session& s, std::int64_t community_id);
std::optional<removal> current_removal(db::session& s, std::int64_t community_id,
                                       std::int64_t account_id);
void lift_removal(db::transaction& tx, std::int64_t community_id, std::int64_t account_id,
                  std::int64_t lifted_by, millis now);

}  // namespace ps::communities::store
