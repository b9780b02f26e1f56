#include "invitations/model.hpp"

#include <nlohmann/json.hpp>

namespace ps::invitations {

nlohmann::json to_json(const invitation& inv, const std::string& public_url) {
  using nlohmann::json;
  return {{"code", inv.code},
          {"url", public_url + "/i/" + inv.code},
          {"max_uses", inv.max_uses ? json(*inv.max_uses) : json()},
          {"uses", inv.uses},
          {"expires_at", inv.expires_at ? json(iso8601(*inv.expires_at)) : json()},
          {"note", inv.note},
          {"revoked", inv.revoked_at.has_value()},
          {"created_by", inv.created_by},
          {"created_at", iso8601(inv.created_at)},
          {"tier_ids", inv.tier_ids}};
}

}  // namespace ps::invitations
