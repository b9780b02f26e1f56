#include "notifications/migrations.hpp"

namespace ps::notifications {
namespace {

// notifications: one row per person told of something (a mention, a reply in a thread they are
// in, a comment on their post, a broadcast, a direct message, a poll they voted in closing),
// written in the transaction of what caused it. UNIQUE: one row per person and item, whatever
// else the item also did (a reply that mentions you is one notification), and a retried write
// never doubles it. notification_levels: a member's choice for one room (all, mentions,
// nothing); without a row, the room kind's default (notifications/model.hpp).
constexpr std::string_view notifications_schema = R"sql(
CREATE TABLE notifications (
  id {{id}},
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  community_id BIGINT NOT NULL REFERENCES communities(id),
  channel_id BIGINT NOT NULL REFERENCES channels(id),
  kind TEXT NOT NULL,
  item_kind TEXT NOT NULL,
  item_id BIGINT NOT NULL,
  actor_id BIGINT REFERENCES accounts(id),
  excerpt TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  read_at BIGINT,
  UNIQUE (account_id, item_kind, item_id)
);
CREATE INDEX notifications_list ON notifications(account_id, id);
CREATE INDEX notifications_unread ON notifications(account_id, channel_id) WHERE read_at IS NULL;
CREATE INDEX notifications_item ON notifications(item_kind, item_id);
CREATE TABLE notification_levels (
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  channel_id BIGINT NOT NULL REFERENCES channels(id),
  level TEXT NOT NULL,
  PRIMARY KEY (account_id, channel_id)
);
CREATE INDEX notification_levels_channel ON notification_levels(channel_id, level);
)sql";

// What reaches a member outside the app. notification_settings: their choices (without a row,
// the defaults of notifications/settings.hpp). push_due_at: when the courier should consider a
// push for the row (NULL once it has, or never); email_due_at: when it should consider an
// email for a mention or a direct message still unseen (NULL once it has). Each is claimed by
// setting it to NULL, so that with several nodes one of them does it.
constexpr std::string_view delivery_schema = R"sql(
CREATE TABLE notification_settings (
  account_id BIGINT PRIMARY KEY REFERENCES accounts(id),
  email TEXT NOT NULL,
  private_previews INTEGER NOT NULL,
  quiet_start INTEGER,
  quiet_end INTEGER,
  time_zone TEXT NOT NULL
);
ALTER TABLE notifications ADD COLUMN push_due_at BIGINT;
ALTER TABLE notifications ADD COLUMN push_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN email_due_at BIGINT;
CREATE INDEX notifications_push_due ON notifications(push_due_at) WHERE push_due_at IS NOT NULL;
CREATE INDEX notifications_email_due ON notifications(email_due_at) WHERE email_due_at IS NOT NULL;
)sql";

// The email of what a member missed while away: their choice (off, daily, weekly), and when the
// last one went.
constexpr std::string_view digest_schema = R"sql(
ALTER TABLE notification_settings ADD COLUMN digest TEXT NOT NULL DEFAULT 'weekly';
CREATE TABLE digests (
  account_id BIGINT PRIMARY KEY REFERENCES accounts(id),
  last_sent_at BIGINT NOT NULL
);
)sql";

constexpr db::migration steps[] = {
    {15, "notifications: who is told of what, and each member's choice per room",
     notifications_schema},
    {16, "notifications: settings for email and push, and what the courier has still to do",
     delivery_schema},
    {21, "notifications: the digest of what a member missed", digest_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::notifications
