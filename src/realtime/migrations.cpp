#include "realtime/migrations.hpp"

namespace ps::realtime {
namespace {

// Every change a member can see is a row here, written in the transaction of the change, at the
// next position of its community (docs/subsystems/realtime.md says why per community). A row
// names its subject instead of copying it: a replay sends the subject as it is now, so an edit
// or a deletion also erases what the log would otherwise keep of the old text.
constexpr std::string_view event_log_schema = R"sql(
ALTER TABLE communities ADD COLUMN last_event_pos BIGINT NOT NULL DEFAULT 0;
CREATE TABLE events (
  community_id BIGINT NOT NULL REFERENCES communities(id),
  pos BIGINT NOT NULL,
  type TEXT NOT NULL,
  channel_id BIGINT,
  subject_id BIGINT,
  actor_id BIGINT,
  only_account_id BIGINT,
  detail TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  PRIMARY KEY (community_id, pos)
){{without_rowid}};

-- Who may see a room: every member (community), or only its participants (participants).
ALTER TABLE channels ADD COLUMN visibility TEXT NOT NULL DEFAULT 'community';
CREATE TABLE channel_participants (
  channel_id BIGINT NOT NULL REFERENCES channels(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  added_at BIGINT NOT NULL,
  PRIMARY KEY (channel_id, account_id)
);
CREATE INDEX channel_participants_account ON channel_participants(account_id);
)sql";

constexpr db::migration steps[] = {
    {3, "event log: every visible change, in order per community; rooms with participants",
     event_log_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::realtime
