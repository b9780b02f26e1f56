#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <vector>

#include "app/app.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"
#include "notifications/model.hpp"
#include "notifications/settings.hpp"

// A member's notifications across their communities (the bell), and their choice per room.
// What they may no longer see (a room they left, a community that removed them) is not listed
// nor counted: the access policy is asked for each room at each read.
namespace ps::notifications {

inline constexpr int default_page = 30;
inline constexpr int max_page = 100;
inline constexpr std::size_t max_ids_per_read = 100;

struct listing {
  std::vector<notification> items;          // newest first
  std::int64_t unread = 0;                  // in all, not only this page
  std::optional<std::int64_t> next_before;  // the `before` of the next page, when there is one
};
result<listing> list(app& app, const caller& who, std::optional<std::int64_t> before, int limit);

// Marks the caller's notifications read: these (at most max_ids_per_read; others' ids are
// ignored), or all of them. Returns the unread count after. The caller's other connections
// hear of it (notification.read).
result<std::int64_t> mark_read(app& app, const caller& who,
                               const std::optional<std::vector<std::int64_t>>& ids);

struct room_level {
  level chosen = level::mentions;  // what applies
  level usual = level::mentions;   // the room kind's default
  bool is_default = true;
};
result<room_level> level_in(app& app, const caller& who, std::int64_t channel_id);
// nullopt: back to the room's default.
result<room_level> choose_level(app& app, const caller& who, std::int64_t channel_id,
                                std::optional<level> chosen);

// The caller's settings for email and push (the defaults until they change one).
settings settings_for(app& app, const caller& who);
// Applies the fields present in `body` (GET's shape, any subset); returns what is saved.
result<settings> change_settings(app& app, const caller& who, const nlohmann::json& body);

}  // namespace ps::notifications
