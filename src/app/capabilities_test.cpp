#include "app/capabilities.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace ps {
namespace {

std::vector<std::string> codes_of(const std::vector<const error_kind*>& kinds) {
  std::vector<std::string> out;
  for (const auto* k : kinds) out.emplace_back(k->code);
  return out;
}

TEST(Capabilities, EachDeclaresItsOwnErrorsAndNoTwoShareACode) {
  const auto codes = codes_of(declared_errors());  // throws on a clash
  for (const char* code :
       {"email_taken", "channel_archived", "slug_taken", "removed_from_community",
        "invitation_expired", "invitation_used_up", "invitation_revoked"})
    EXPECT_NE(std::ranges::find(codes, code), codes.end()) << code;
  // None of them is also one of core's generic codes.
  EXPECT_EQ(std::ranges::find(codes, "not_found"), codes.end());
}

TEST(Capabilities, EveryEventTypeHasOneRenderer) {
  const auto catalog = event_types();
  for (const char* type :
       {"message.created", "message.edited", "message.deleted", "reaction.added",
        "reaction.removed", "channel.read", "channel.created", "channel.renamed",
        "channel.archived", "channel.unarchived", "member.joined", "member.removed",
        "member.renamed", "member.role_changed", "community.updated"})
    EXPECT_NE(catalog.find(type), nullptr) << type;
}

}  // namespace
}  // namespace ps
