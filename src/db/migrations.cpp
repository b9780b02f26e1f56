#include "db/migrations.hpp"

#include "core/clock.hpp"

namespace ps::db {
namespace {

constexpr std::string_view core_schema = R"sql(
CREATE TABLE accounts (
  id {{id}},
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  display_name TEXT NOT NULL,
  locale TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
  id {{id}},
  token_hash TEXT NOT NULL UNIQUE,
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE personal_tokens (
  id {{id}},
  token_hash TEXT NOT NULL UNIQUE,
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX personal_tokens_account ON personal_tokens(account_id);

CREATE TABLE login_links (
  id {{id}},
  token_hash TEXT NOT NULL UNIQUE,
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);

CREATE TABLE communities (
  id {{id}},
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  locale TEXT NOT NULL,
  timezone TEXT NOT NULL,
  owner_id BIGINT NOT NULL REFERENCES accounts(id),
  created_at BIGINT NOT NULL,
  last_member_number BIGINT NOT NULL DEFAULT 0,
  members_can_invite INTEGER NOT NULL DEFAULT 0,
  member_invite_quota BIGINT NOT NULL DEFAULT 5
);

-- A membership row stays after the person leaves (left_at), so member numbers are never
-- reused and the invitation tree keeps its history.
CREATE TABLE memberships (
  id {{id}},
  community_id BIGINT NOT NULL REFERENCES communities(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  member_number BIGINT NOT NULL,
  role TEXT NOT NULL,
  joined_at BIGINT NOT NULL,
  invited_by BIGINT REFERENCES accounts(id),
  invitation_id BIGINT,
  left_at BIGINT,
  UNIQUE (community_id, member_number)
);
CREATE UNIQUE INDEX memberships_current ON memberships(community_id, account_id) WHERE left_at IS NULL;
CREATE INDEX memberships_account ON memberships(account_id);

CREATE TABLE invitations (
  id {{id}},
  code TEXT NOT NULL UNIQUE,
  community_id BIGINT NOT NULL REFERENCES communities(id),
  created_by BIGINT NOT NULL REFERENCES accounts(id),
  max_uses BIGINT,
  uses BIGINT NOT NULL DEFAULT 0,
  expires_at BIGINT,
  note TEXT NOT NULL DEFAULT '',
  revoked_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX invitations_community ON invitations(community_id);

CREATE TABLE channels (
  id {{id}},
  community_id BIGINT NOT NULL REFERENCES communities(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  archived_at BIGINT,
  last_seq BIGINT NOT NULL DEFAULT 0,
  created_by BIGINT NOT NULL REFERENCES accounts(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX channels_community ON channels(community_id);

CREATE TABLE messages (
  id {{id}},
  channel_id BIGINT NOT NULL REFERENCES channels(id),
  seq BIGINT NOT NULL,
  author_id BIGINT NOT NULL REFERENCES accounts(id),
  body TEXT NOT NULL,
  html TEXT NOT NULL,
  parent_id BIGINT REFERENCES messages(id),
  client_id TEXT,
  reply_count BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  edited_at BIGINT,
  deleted_at BIGINT,
  UNIQUE (channel_id, seq)
);
CREATE UNIQUE INDEX messages_client_id ON messages(channel_id, author_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX messages_parent ON messages(parent_id, seq) WHERE parent_id IS NOT NULL;

CREATE TABLE reactions (
  message_id BIGINT NOT NULL REFERENCES messages(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  emoji TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (message_id, emoji, account_id)
);

CREATE TABLE read_markers (
  channel_id BIGINT NOT NULL REFERENCES channels(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  last_read_seq BIGINT NOT NULL,
  PRIMARY KEY (channel_id, account_id)
);

-- Every email is a row here before it is sent (mail/outbox.cpp).
CREATE TABLE outbox (
  id {{id}},
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  sent_at BIGINT,
  failed_at BIGINT,
  last_error TEXT
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
)sql";

// A person removed by a host may not rejoin the community, by any link, until a host lets them
// back (lifted_at). Leaving on one's own makes no row. Rows stay once lifted, as memberships do.
constexpr std::string_view removals_schema = R"sql(
CREATE TABLE removals (
  id {{id}},
  community_id BIGINT NOT NULL REFERENCES communities(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  membership_id BIGINT NOT NULL REFERENCES memberships(id),
  removed_by BIGINT NOT NULL REFERENCES accounts(id),
  removed_at BIGINT NOT NULL,
  lifted_by BIGINT REFERENCES accounts(id),
  lifted_at BIGINT
);
CREATE UNIQUE INDEX removals_current ON removals(community_id, account_id) WHERE lifted_at IS NULL;
)sql";

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

// What a member is shown to tell their sessions apart and end the right one: the User-Agent
// sent at log-in (cut to 256 bytes), the device said from it ("Firefox on Linux"), and the last
// use, to the minute. Sessions opened before this have no User-Agent, hence an unknown device.
constexpr std::string_view session_devices_schema = R"sql(
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT 'Unknown device';
ALTER TABLE sessions ADD COLUMN last_used_at BIGINT;
)sql";

constexpr migration migrations[] = {
    {1, "core: accounts, communities, invitations, chat, outbox", core_schema},
    {2, "removals: a removed person stays out until a host lets them back", removals_schema},
    {3, "event log: every visible change, in order per community; rooms with participants",
     event_log_schema},
    {4, "sessions: device and last use", session_devices_schema},
};

}  // namespace

std::span<const migration> all_migrations() {
  return migrations;
}

std::string for_dialect(std::string_view sql, dialect d) {
  const std::string_view id_column = d == dialect::sqlite
                                         ? "INTEGER PRIMARY KEY"
                                         : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
  // A table keyed by its primary key is stored as that key in SQLite, not beside a rowid.
  const std::string_view without_rowid = d == dialect::sqlite ? " WITHOUT ROWID" : "";
  std::string out(sql);
  for (std::size_t pos; (pos = out.find("{{id}}")) != std::string::npos;)
    out.replace(pos, 6, id_column);
  for (std::size_t pos; (pos = out.find("{{without_rowid}}")) != std::string::npos;)
    out.replace(pos, 17, without_rowid);
  return out;
}

int migrate(database& db) {
  db.write([](transaction& tx) {
    tx.execute_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT "
        "NULL, applied_at BIGINT NOT NULL)");
  });
  const auto current = db.read([](session& s) {
    return s.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")->integer(0);
  });
  int applied = 0;
  for (const migration& m : all_migrations()) {
    if (m.version <= current) continue;
    db.write([&](transaction& tx) {
      tx.execute_script(for_dialect(m.sql, tx.kind()));
      tx.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                 m.version, m.name, system_clock{}.now());
    });
    ++applied;
  }
  return applied;
}

}  // namespace ps::db
