#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace ps::invitations {

// A link that lets people join a community; every use is recorded as who invited whom.
struct invitation {
  std::int64_t id = 0;
  std::string code;
  std::int64_t community_id = 0;
  std::int64_t created_by = 0;
  std::optional<std::int64_t> max_uses;
  std::int64_t uses = 0;
  std::optional<millis> expires_at;
  std::string note;
  std::optional<millis> revoked_at;
  millis created_at = 0;
  std::vector<std::int64_t> tier_ids;  // the tiers it gives whoever joins (tiers/)
};

// The invitation as its creator and the community's hosts see it (note included).
nlohmann::json to_json(const invitation& inv, const std::string& public_url);

}  // namespace ps::invitations
