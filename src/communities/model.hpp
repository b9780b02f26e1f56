#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/clock.hpp"
#include "core/locale.hpp"

namespace ps::communities {

enum class role { owner, host, member };
std::string_view role_name(role r);
bool parse_role(std::string_view text, role& out);
inline bool is_host(role r) { return r == role::owner || r == role::host; }

// A micro-community: its identity and the settings its hosts choose.
struct community {
  std::int64_t id = 0;
  std::string slug;
  std::string name;
  std::string description;
  locale lang = locale::fr;
  std::string timezone;
  std::int64_t owner_id = 0;
  millis created_at = 0;
  bool members_can_invite = false;
  std::int64_t member_invite_quota = 5;
  std::int64_t member_count = 0;  // filled only where shown (community_details)
};

// A person's place in a community. Numbers are given in joining order and never reused.
struct membership {
  std::int64_t community_id = 0;
  std::string community_slug;
  std::string community_name;
  std::int64_t account_id = 0;
  std::int64_t member_number = 0;
  role member_role = role::member;
  millis joined_at = 0;
  std::optional<std::int64_t> invited_by;
};

// A member as the directory shows them.
struct member {
  std::int64_t account_id = 0;
  std::string display_name;
  std::int64_t member_number = 0;
  role member_role = role::member;
  millis joined_at = 0;
  std::optional<std::int64_t> invited_by;
};

// A person a host removed, who may not rejoin until a host lets them back: as the hosts' list
// shows them, with the number and role they had.
struct removal {
  std::int64_t account_id = 0;
  std::string display_name;
  std::int64_t member_number = 0;
  role member_role = role::member;
  millis removed_at = 0;
  std::int64_t removed_by = 0;
  std::string removed_by_name;
};


nlohmann::json to_json(const community& c);
nlohmann::json to_json(const membership& m);
nlohmann::json to_json(const member& m);
nlohmann::json to_json(const removal& r);

}  // namespace ps::communities
