#pragma once
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "invitations/model.hpp"

// The SQL of invitations.
namespace ps::invitations::store {

std::optional<invitation> by_code(db::session& s, const std::string& code);
std::vector<invitation> of_community(db::session& s, std::int64_t community_id);
std::vector<invitation> of_creator(db::session& s, std::int64_t community_id, std::int64_t account_id);
std::int64_t count_by_creator(db::session& s, std::int64_t community_id, std::int64_t account_id);
std::int64_t insert(db::transaction& tx, const invitation& inv);
// Counts one use unless the invitation is used up; false when it was.
bool take_one_use(db::transaction& tx, std::int64_t id);
void revoke(db::transaction& tx, std::int64_t id, millis now);
// Revokes every live invitation a person made in a community.
void revoke_all_by_creator(db::transaction& tx, std::int64_t community_id, std::int64_t account_id,
                           millis now);

}  // namespace ps::invitations::store
