#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"

// The SQL of mentions.
namespace ps::mentions::store {

struct row {
  std::int64_t account_id = 0;  // 0 for everyone / here
  std::string_view scope;       // "member", "everyone", "here"
};
void insert(db::transaction& tx, std::string_view item_kind, std::int64_t item_id,
            std::int64_t channel_id, std::int64_t author_id, const std::vector<row>& rows,
            millis at);
void remove(db::transaction& tx, std::string_view item_kind, std::int64_t item_id);

// Accounts and their names, for the autocomplete (who they may be is the access policy's).
struct candidate {
  std::int64_t account_id = 0;
  std::string display_name;
};
// The community's current members.
std::vector<candidate> community_members(db::session& s, std::int64_t community_id);
// These accounts (at most db::max_batch).
std::vector<candidate> accounts_named(db::session& s, std::span<const std::int64_t> ids);

}  // namespace ps::mentions::store
