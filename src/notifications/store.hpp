#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"
#include "notifications/model.hpp"
#include "notifications/settings.hpp"

// The SQL of notifications.
namespace ps::notifications::store {

struct new_row {
  std::int64_t account_id = 0;
  std::string_view kind;
};
struct about {
  std::int64_t community_id = 0;
  std::int64_t channel_id = 0;
  std::string_view item_kind;
  std::int64_t item_id = 0;
  std::optional<std::int64_t> actor_id;
  std::string excerpt;
  millis at = 0;
};
// Writes one row per recipient; returns each one's id (or nothing for someone who already had
// one for this item), in the order given.
std::vector<std::optional<std::int64_t>> insert(db::transaction& tx, const about& what,
                                                std::span<const new_row> rows);
void forget_item(db::transaction& tx, std::string_view item_kind, std::int64_t item_id);

// The owner's notifications, newest first, with what the list shows.
std::vector<notification> page_of(db::session& s, std::int64_t account_id,
                                  std::optional<std::int64_t> before_id, int limit);
std::optional<notification> by_id(db::session& s, std::int64_t id);
// Unread notifications per room.
std::map<std::int64_t, std::int64_t> unread_by_room(db::session& s, std::int64_t account_id);
// Marks read; returns the communities and ids that changed.
struct marked {
  std::int64_t community_id = 0;
  std::int64_t id = 0;
};
std::vector<marked> mark_read(db::transaction& tx, std::int64_t account_id,
                              std::span<const std::int64_t> ids, millis at);
std::vector<std::int64_t> mark_all_read(db::transaction& tx, std::int64_t account_id, millis at);

// Levels: the member's choices in one room, and the choices of everyone in a room.
std::optional<level> level_of(db::session& s, std::int64_t account_id, std::int64_t channel_id);
std::map<std::int64_t, level> levels_in(db::session& s, std::int64_t channel_id);
void set_level(db::transaction& tx, std::int64_t account_id, std::int64_t channel_id,
               std::optional<level> chosen);

// Facts the fan-out needs.
std::vector<std::int64_t> thread_authors(db::session& s, std::int64_t parent_id);
std::vector<std::int64_t> current_members(db::session& s, std::int64_t community_id);
std::vector<std::int64_t> muted_in(db::session& s, std::int64_t channel_id);
std::vector<std::int64_t> poll_voters(db::session& s, std::int64_t poll_id);

// A member's settings (none: the defaults).
std::optional<settings> settings_of(db::session& s, std::int64_t account_id);
void save_settings(db::transaction& tx, std::int64_t account_id, const settings& chosen);

// The courier's work (notifications/courier.hpp): notifications due for a push or an email,
// each claimed once whatever the number of nodes.
// Whether any push or email is due: a read, so that an idle courier commits nothing.
bool any_due(db::session& s, millis now);
struct push_claim {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  int attempts = 0;
};
std::vector<push_claim> claim_push_due(db::transaction& tx, millis now, int limit);
void retry_push(db::transaction& tx, std::int64_t id, millis at);
struct email_claim {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
};
std::vector<email_claim> claim_email_due(db::transaction& tx, millis now, int limit);
// Every notification of the account still waiting for an email, claimed at once.
std::vector<std::int64_t> claim_email_pending_of(db::transaction& tx, std::int64_t account_id);
void postpone_email(db::transaction& tx, std::int64_t id, millis until);
// Whether the member has read, in the room, the message a notification points to.
bool seen_in_room(db::session& s, std::int64_t id);

}  // namespace ps::notifications::store
