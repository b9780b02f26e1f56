#include "mentions/migrations.hpp"

namespace ps::mentions {
namespace {

// Who each message, post or comment mentions, by account (scope 'member'), or everyone in its
// room ('everyone', 'here': a host's, account_id NULL). Written with the item and replaced when
// it is edited; what notifications read (who is called, and since when).
constexpr std::string_view mentions_schema = R"sql(
CREATE TABLE mentions (
  id {{id}},
  item_kind TEXT NOT NULL,
  item_id BIGINT NOT NULL,
  channel_id BIGINT NOT NULL REFERENCES channels(id),
  author_id BIGINT NOT NULL REFERENCES accounts(id),
  account_id BIGINT REFERENCES accounts(id),
  scope TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX mentions_item ON mentions(item_kind, item_id);
CREATE INDEX mentions_account ON mentions(account_id, created_at) WHERE account_id IS NOT NULL;
)sql";

constexpr db::migration steps[] = {
    {14, "mentions: who each message, post and comment mentions", mentions_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::mentions
