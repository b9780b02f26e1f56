#include "broadcast/prompt_store.hpp"

namespace ps::broadcast::store {
namespace {

// An answer's columns (`a`), with its member's current display name and member number beside
// it (a member who left still shows their name, with no number), and the joins they need (the
// room `ch` in the query).
constexpr std::string_view answer_columns =
    "a.id, a.prompt_id, a.account_id, acc.display_name, COALESCE(m.member_number, 0), a.body, "
    "a.answered_at, a.changed_at, a.reply_channel_id, a.replied_at ";
constexpr std::string_view answer_joins =
    "JOIN accounts acc ON acc.id = a.account_id LEFT JOIN memberships m ON m.community_id = "
    "ch.community_id AND m.account_id = a.account_id AND m.left_at IS NULL ";

const std::string& answer_select() {
  static const std::string q = "SELECT " + std::string(answer_columns) +
                               "FROM prompt_answers a JOIN prompts p ON p.id = a.prompt_id JOIN "
                               "channels ch ON ch.id = p.channel_id " +
                               std::string(answer_joins);
  return q;
}

// A prompt lives as long as the message that carries its question: once that is deleted, the
// prompt is gone for everyone (not listed, not found, no answer taken, not replayed).
constexpr std::string_view carried =
    "JOIN messages qm ON qm.id = p.message_id AND qm.deleted_at IS NULL ";

constexpr std::string_view prompt_columns =
    "SELECT p.id, p.channel_id, ch.community_id, p.message_id, p.question, p.closed_at, "
    "p.created_at, (SELECT COUNT(*) FROM prompt_answers c WHERE c.prompt_id = p.id) ";

answer read_answer(const db::row& r, std::size_t at = 0) {
  answer a;
  a.id = r.integer(at + 0);
  a.prompt_id = r.integer(at + 1);
  a.account_id = r.integer(at + 2);
  a.display_name = r.text(at + 3);
  a.member_number = r.integer(at + 4);
  a.body = r.text(at + 5);
  a.answered_at = r.integer(at + 6);
  a.changed_at = r.integer(at + 7);
  a.reply_channel_id = r.maybe_integer(at + 8);
  a.replied_at = r.maybe_integer(at + 9);
  return a;
}

prompt read_prompt(const db::row& r) {
  prompt p;
  p.id = r.integer(0);
  p.channel_id = r.integer(1);
  p.community_id = r.integer(2);
  p.message_id = r.integer(3);
  p.question = r.text(4);
  p.closed_at = r.maybe_integer(5);
  p.created_at = r.integer(6);
  p.answers = r.integer(7);
  return p;
}

}  // namespace

std::int64_t insert_prompt(db::transaction& tx, const prompt& p, std::int64_t created_by) {
  return tx
      .query_one(
          "INSERT INTO prompts (channel_id, message_id, question, created_by, created_at) VALUES "
          "($1, $2, $3, $4, $5) RETURNING id",
          p.channel_id, p.message_id, p.question, created_by, p.created_at)
      ->integer(0);
}

std::optional<prompt> prompt_by_id(db::session& s, std::int64_t id) {
  static const std::string q = std::string(prompt_columns) +
                               "FROM prompts p JOIN channels ch ON ch.id = p.channel_id " +
                               std::string(carried) + "WHERE p.id = $1";
  auto r = s.query_one(q, id);
  if (!r) return std::nullopt;
  return read_prompt(*r);
}

std::vector<prompt_with_answer> prompts_of(db::session& s, std::int64_t channel_id,
                                           std::int64_t reader, std::size_t limit) {
  static const std::string q =
      std::string(prompt_columns) + ", " + std::string(answer_columns) +
      "FROM prompts p JOIN channels ch ON ch.id = p.channel_id " + std::string(carried) +
      "LEFT JOIN prompt_answers a ON "
      "a.prompt_id = p.id AND a.account_id = $2 LEFT " +
      std::string(answer_joins) + "WHERE p.channel_id = $1 ORDER BY p.id DESC LIMIT $3";
  std::vector<prompt_with_answer> out;
  for (const auto& r : s.query(q, channel_id, reader, static_cast<std::int64_t>(limit))) {
    prompt_with_answer one{read_prompt(r), std::nullopt};
    if (!r.is_null(8)) one.reader_answer = read_answer(r, 8);
    out.push_back(std::move(one));
  }
  return out;
}

bool set_prompt_closed(db::transaction& tx, std::int64_t prompt_id, std::optional<millis> at) {
  if (at)
    return tx.execute("UPDATE prompts SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL",
                      prompt_id, *at) > 0;
  return tx.execute("UPDATE prompts SET closed_at = NULL WHERE id = $1 AND closed_at IS NOT NULL",
                    prompt_id) > 0;
}

std::optional<answer> answer_of(db::session& s, std::int64_t prompt_id, std::int64_t account_id) {
  static const std::string q = answer_select() + "WHERE a.prompt_id = $1 AND a.account_id = $2";
  auto r = s.query_one(q, prompt_id, account_id);
  if (!r) return std::nullopt;
  return read_answer(*r);
}

std::vector<answer> answers_of(db::session& s, std::int64_t prompt_id,
                               std::optional<std::int64_t> before, std::size_t limit) {
  static const std::string q =
      answer_select() + "WHERE a.prompt_id = $1 AND a.id < $2 ORDER BY a.id DESC LIMIT $3";
  std::vector<answer> out;
  for (const auto& r :
       s.query(q, prompt_id, before.value_or(INT64_MAX), static_cast<std::int64_t>(limit)))
    out.push_back(read_answer(r));
  return out;
}

bool put_answer(db::transaction& tx, std::int64_t prompt_id, std::int64_t account_id,
                const std::string& body, millis now) {
  // The answer's row is taken first: two answers of one person at once (two devices, two
  // nodes) are one after the other, the later one replacing the first.
  return tx.execute(
             "INSERT INTO prompt_answers (prompt_id, account_id, body, answered_at, changed_at) "
             "VALUES ($1, $2, $3, $4, $4) ON CONFLICT (prompt_id, account_id) DO UPDATE SET "
             "body = excluded.body, changed_at = excluded.changed_at WHERE prompt_answers.body "
             "<> excluded.body",
             prompt_id, account_id, body, now) > 0;
}

void mark_replied(db::transaction& tx, std::int64_t prompt_id, std::int64_t account_id,
                  std::int64_t channel_id, millis now) {
  tx.execute(
      "UPDATE prompt_answers SET reply_channel_id = $3, replied_at = $4 WHERE prompt_id = $1 AND "
      "account_id = $2",
      prompt_id, account_id, channel_id, now);
}

}  // namespace ps::broadcast::store
