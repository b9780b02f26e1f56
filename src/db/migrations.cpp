#include "db/migrations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

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

// The first schema, from before capabilities declared their own (each since has its
// migrations.cpp).
constexpr migration foundation[] = {
    {1, "core: accounts, communities, invitations, chat, outbox", core_schema},
};

}  // namespace

std::span<const migration> foundation_migrations() {
  return foundation;
}

std::vector<migration> in_order(std::vector<std::span<const migration>> declared) {
  std::vector<migration> all;
  for (auto part : declared) all.insert(all.end(), part.begin(), part.end());
  std::ranges::sort(all, {}, &migration::version);
  for (std::size_t i = 1; i < all.size(); ++i)
    if (all[i].version == all[i - 1].version)
      throw std::logic_error(fmt::format("two migrations have version {}: \"{}\" and \"{}\"",
                                         all[i].version, all[i - 1].name, all[i].name));
  return all;
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

namespace {

void create_version_table(transaction& tx) {
  tx.execute_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at BIGINT NOT NULL)");
}

void apply(transaction& tx, const migration& m) {
  const bool own_sql = tx.kind() == dialect::postgresql && !m.sql_on_postgresql.empty();
  tx.execute_script(for_dialect(own_sql ? m.sql_on_postgresql : m.sql, tx.kind()));
  tx.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
             m.version, m.name, system_clock{}.now());
}

}  // namespace

int migrate(database& db, std::span<const migration> migrations) {
  db.write([](transaction& tx) { create_version_table(tx); });
  const auto current = db.read([](session& s) {
    return s.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")->integer(0);
  });
  int applied = 0;
  for (const migration& m : migrations) {
    if (m.version <= current) continue;
    db.write([&](transaction& tx) { apply(tx, m); });
    ++applied;
  }
  return applied;
}

void create_schema(transaction& tx, std::span<const migration> migrations) {
  create_version_table(tx);
  for (const migration& m : migrations) apply(tx, m);
}

}  // namespace ps::db
