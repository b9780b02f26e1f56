#include "communities/model.hpp"

#include <nlohmann/json.hpp>

namespace ps::communities {

std::string_view role_name(role r) {
  switch (r) {
    case role::owner: return "owner";
    case role::host: return "host";
    case role::member: return "member";
  }
  return "member";
}

bool parse_role(std::string_view text, role& out) {
  if (text == "owner") return out = role::owner, true;
  if (text == "host") return out = role::host, true;
  if (text == "member") return out = role::member, true;
  return false;
}

namespace {
nlohmann::json optional_id(const std::optional<std::int64_t>& id) {
  return id ? nlohmann::json(*id) : nlohmann::json();
}
}  // namespace

nlohmann::json to_json(const community& c) {
  return {{"id", c.id},
          {"slug", c.slug},
          {"name", c.name},
          {"description", c.description},
          {"locale", locale_name(c.lang)},
          {"timezone", c.timezone},
          {"created_at", iso8601(c.created_at)},
          {"member_count", c.member_count},
          {"members_can_invite", c.members_can_invite},
          {"member_invite_quota", c.member_invite_quota}};
}

nlohmann::json to_json(const membership& m) {
  return {{"community", {{"id", m.community_id}, {"slug", m.community_slug}, {"name", m.community_name}}},
          {"account_id", m.account_id},
          {"member_number", m.member_number},
          {"role", role_name(m.member_role)},
          {"joined_at", iso8601(m.joined_at)},
          {"invited_by", optional_id(m.invited_by)}};
}

nlohmann::json to_json(const member& m) {
  return {{"account_id", m.account_id},
          {"display_name", m.display_name},
          {"member_number", m.member_number},
          {"role", role_name(m.member_role)},
          {"joined_at", iso8601(m.joined_at)},
          {"invited_by", optional_id(m.invited_by)}};
}

nlohmann::json to_json(const removal& r) {
  return {{"account_id", r.account_id},
          {"display_name", r.display_name},
          {"member_number", r.member_number},
          {"role", role_name(r.member_role)},
          {"removed_at", iso8601(r.removed_at)},
          {"removed_by", {{"id", r.removed_by}, {"display_name", r.removed_by_name}}}};
}

}  // namespace ps::communities
