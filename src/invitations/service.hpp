#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "communities/model.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"
#include "invitations/model.hpp"

// The rules of invitation links: who may make them, when they stop working, joining by them.
namespace ps::invitations {

struct invitation_form {
  std::optional<std::int64_t> max_uses;
  std::optional<std::int64_t> expires_in_hours;
  std::optional<std::string> note;
  std::vector<std::int64_t> tier_ids = {};  // hosts only: the tiers it gives
};

// What anyone holding the link may see before joining.
struct preview {
  std::string community_name;
  std::string community_description;
  std::string community_slug;
  std::string inviter_name;
  invitation inv;
  // The community's time zone (IANA), so that the expiry reads as its hosts read it.
  std::string community_timezone;
};

struct joined {
  communities::membership membership;
  bool is_new = false;  // false when the caller already belonged (nothing was used)
};

result<invitation> create_invitation(app& app, const caller& who, const std::string& slug,
                                     const invitation_form& form);
// Hosts see every invitation of the community; members see their own.
result<std::vector<invitation>> list_invitations(app& app, const caller& who,
                                                 const std::string& slug);
// 404 for an unknown code, 410 with the reason for a dead one. Anyone may look; when the one
// looking is signed in (`who`) and was removed from the community, 403 removed_from_community.
result<preview> preview_invitation(app& app, const std::string& code,
                                   const std::optional<caller>& who = std::nullopt);
// 403 removed_from_community for a person removed from the community and not let back.
result<joined> accept_invitation(app& app, const caller& who, const std::string& code);
// Hosts, or the member who made it.
outcome revoke_invitation(app& app, const caller& who, const std::string& code);

// Why an invitation no longer works, if it does not.
std::optional<api_error> why_unusable(const invitation& inv, millis now);

}  // namespace ps::invitations
