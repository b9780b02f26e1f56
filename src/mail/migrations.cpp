#include "mail/migrations.hpp"

namespace ps::mail {
namespace {

// Which node holds an email it is sending (several nodes share one PostgreSQL): a node that
// restarts after a crash gives back what it held at once, instead of letting the claim lapse.
constexpr std::string_view outbox_claims_schema = R"sql(
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
)sql";

constexpr db::migration steps[] = {
    {5, "outbox: the node sending each email", outbox_claims_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::mail
