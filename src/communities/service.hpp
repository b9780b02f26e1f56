#pragma once
#include <optional>
#include <string>
#include <vector>

#include "access/policy.hpp"
#include "app/app.hpp"
#include "communities/model.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"
#include "db/database.hpp"

// The rules of communities and their members.
namespace ps::communities {

struct community_form {
  std::string name;
  std::optional<std::string> slug;
  std::optional<std::string> description;
  std::optional<std::string> locale;
  std::optional<std::string> timezone;
};

struct community_changes {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> locale;
  std::optional<std::string> timezone;
  std::optional<bool> members_can_invite;
  std::optional<std::int64_t> member_invite_quota;
};

using access::member_ref;

// Loads a community the caller belongs to (access::community_for decides), in a read.
result<member_ref> access_community(app& app, const caller& who, const std::string& slug);

// The community as its page shows it, with its member count.
result<member_ref> community_details(app& app, const caller& who, const std::string& slug);
result<member_ref> create_community(app& app, const caller& who, const community_form& form);
result<community> update_community(app& app, const caller& who, const std::string& slug,
                                   const community_changes& changes);
std::vector<membership> memberships_of(app& app, const caller& who);
result<std::vector<member>> list_members(app& app, const caller& who, const std::string& slug);
// Hosts remove members; anyone but the owner may leave. The person's live connections stop
// receiving the community at once. A removed person (not one who left) may not rejoin by any
// link until a host lets them back, and the invitations they made are revoked.
outcome remove_member(app& app, const caller& who, const std::string& slug, std::int64_t account_id);
// The people removed and not let back yet, most recent first (hosts).
result<std::vector<removal>> list_removed(app& app, const caller& who, const std::string& slug);
// Lets a removed person join again by an invitation (hosts; only the owner for a removed host).
// They come back as a member, with a new number.
outcome let_back_in(app& app, const caller& who, const std::string& slug, std::int64_t account_id);
result<member> change_role(app& app, const caller& who, const std::string& slug, std::int64_t account_id,
                           const std::string& role_text);

// Logs member.joined with a new membership and publishes it after the commit (used by
// invitations too).
void publish_member_joined(app& app, db::transaction& tx, const membership& m);
// Logs a member.* event about `account_id` (communities/events.hpp) and publishes it to the
// community after the commit.
void record_member_event(app& app, db::transaction& tx, std::int64_t community_id,
                         const char* type, std::int64_t account_id);

}  // namespace ps::communities
