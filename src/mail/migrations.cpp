#include "mail/migrations.hpp"

namespace ps::mail {
namespace {

// Which node holds an email it is sending (several nodes share one PostgreSQL): a node that
// restarts after a crash gives back what it held at once, instead of letting the claim lapse.
constexpr std::string_view outbox_claims_schema = R"sql(
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
)sql";

// HTML beside the text, the sender's display name, Reply-To and more header fields (a
// newsletter's List-Unsubscribe), and the topic that counts a newsletter's deliveries.
constexpr std::string_view outbox_rich_emails_schema = R"sql(
ALTER TABLE outbox ADD COLUMN html_body TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN from_name TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN headers TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN topic TEXT;
CREATE INDEX outbox_topic ON outbox(topic) WHERE topic IS NOT NULL;
)sql";

constexpr db::migration steps[] = {
    {5, "outbox: the node sending each email", outbox_claims_schema},
    {18, "outbox: HTML, sender name, header fields and topics", outbox_rich_emails_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::mail
