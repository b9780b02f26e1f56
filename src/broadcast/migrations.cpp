#include "broadcast/migrations.hpp"

namespace ps::broadcast {
namespace {

// A poll is a broadcast message (its question) with options. poll_ballots holds one row per
// voter, taken first in a vote's transaction: two votes of one person at once, even on two
// nodes, are one after the other, so a single-choice poll never holds two of theirs.
// closed_announced: the poll.closed event was logged (once, whichever node's closer did it).
constexpr std::string_view polls_schema = R"sql(
CREATE TABLE polls (
  id {{id}},
  channel_id BIGINT NOT NULL REFERENCES channels(id),
  message_id BIGINT NOT NULL REFERENCES messages(id),
  question TEXT NOT NULL,
  multiple BIGINT NOT NULL DEFAULT 0,
  anonymous BIGINT NOT NULL DEFAULT 1,
  closes_at BIGINT,
  closed_announced BIGINT NOT NULL DEFAULT 0,
  created_by BIGINT NOT NULL REFERENCES accounts(id),
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX polls_message ON polls(message_id);
CREATE INDEX polls_channel ON polls(channel_id, id);
CREATE INDEX polls_closing ON polls(closes_at) WHERE closed_announced = 0 AND closes_at IS NOT NULL;
CREATE TABLE poll_options (
  id {{id}},
  poll_id BIGINT NOT NULL REFERENCES polls(id),
  position BIGINT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX poll_options_poll ON poll_options(poll_id, position);
CREATE TABLE poll_ballots (
  poll_id BIGINT NOT NULL REFERENCES polls(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  voted_at BIGINT NOT NULL,
  PRIMARY KEY (poll_id, account_id)
);
CREATE TABLE poll_votes (
  poll_id BIGINT NOT NULL REFERENCES polls(id),
  option_id BIGINT NOT NULL REFERENCES poll_options(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  PRIMARY KEY (poll_id, option_id, account_id)
);
)sql";

// A member's muted rooms (a broadcast, mostly): still readable, just quiet — no unread badge
// that calls for attention, and (once notifications exist) nothing sent.
constexpr std::string_view mutes_schema = R"sql(
CREATE TABLE channel_mutes (
  channel_id BIGINT NOT NULL REFERENCES channels(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  muted_at BIGINT NOT NULL,
  PRIMARY KEY (channel_id, account_id)
);
CREATE INDEX channel_mutes_account ON channel_mutes(account_id);
)sql";

// A question prompt is a broadcast message (its question); members answer it privately to the
// hosts, one answer each (changed in place, so its id keeps its place in the hosts' list).
// reply_channel_id: the direct conversation in which a host answered back.
constexpr std::string_view prompts_schema = R"sql(
CREATE TABLE prompts (
  id {{id}},
  channel_id BIGINT NOT NULL REFERENCES channels(id),
  message_id BIGINT NOT NULL REFERENCES messages(id),
  question TEXT NOT NULL,
  closed_at BIGINT,
  created_by BIGINT NOT NULL REFERENCES accounts(id),
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX prompts_message ON prompts(message_id);
CREATE INDEX prompts_channel ON prompts(channel_id, id);
CREATE TABLE prompt_answers (
  id {{id}},
  prompt_id BIGINT NOT NULL REFERENCES prompts(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  body TEXT NOT NULL,
  answered_at BIGINT NOT NULL,
  changed_at BIGINT NOT NULL,
  reply_channel_id BIGINT REFERENCES channels(id),
  replied_at BIGINT
);
CREATE UNIQUE INDEX prompt_answers_person ON prompt_answers(prompt_id, account_id);
CREATE INDEX prompt_answers_latest ON prompt_answers(prompt_id, id);
)sql";

constexpr db::migration steps[] = {
    {9, "broadcast: polls, their options and votes", polls_schema},
    {10, "mutes: the rooms a member muted", mutes_schema},
    {11, "prompts: questions to members, answered privately to the hosts", prompts_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::broadcast
