#include "conversations/migrations.hpp"

namespace ps::conversations {
namespace {

// Direct conversations and private groups are channels of kind "direct" or "group" that only
// their participants see (channel_participants). direct_key ("<smaller id>:<larger id>") makes
// a second start of the same direct conversation find the first, even from two nodes at once.
// A community's hosts may turn direct messages off; a person may take them only from people
// they already share a conversation with.
constexpr std::string_view conversations_schema = R"sql(
ALTER TABLE channels ADD COLUMN direct_key TEXT;
CREATE UNIQUE INDEX channels_direct_key ON channels(community_id, direct_key) WHERE direct_key IS NOT NULL;
CREATE TABLE conversation_settings (
  community_id BIGINT PRIMARY KEY REFERENCES communities(id),
  direct_messages_off BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE conversation_preferences (
  account_id BIGINT PRIMARY KEY REFERENCES accounts(id),
  known_only BIGINT NOT NULL DEFAULT 0
);
)sql";

constexpr db::migration steps[] = {
    {8, "conversations: direct and group rooms, who may start them", conversations_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::conversations
