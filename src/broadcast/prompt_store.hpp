#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broadcast/model.hpp"
#include "db/database.hpp"

// The SQL of question prompts and their answers. Facts only; who may read an answer is
// decided in prompts.cpp.
namespace ps::broadcast::store {

std::int64_t insert_prompt(db::transaction& tx, const prompt& p, std::int64_t created_by);
// With how many members answered.
std::optional<prompt> prompt_by_id(db::session& s, std::int64_t id);
struct prompt_with_answer {
  prompt p;
  std::optional<answer> reader_answer;
};
// The room's latest prompts, newest first, each with the reader's own answer: in one query.
std::vector<prompt_with_answer> prompts_of(db::session& s, std::int64_t channel_id,
                                           std::int64_t reader, std::size_t limit);
// True when it changed something.
bool set_prompt_closed(db::transaction& tx, std::int64_t prompt_id, std::optional<millis> at);

std::optional<answer> answer_of(db::session& s, std::int64_t prompt_id, std::int64_t account_id);
// The latest answers first, those with an id below `before` when given.
std::vector<answer> answers_of(db::session& s, std::int64_t prompt_id,
                               std::optional<std::int64_t> before, std::size_t limit);
// Writes the member's answer, or replaces it; false when it was that already.
bool put_answer(db::transaction& tx, std::int64_t prompt_id, std::int64_t account_id,
                const std::string& body, millis now);
void mark_replied(db::transaction& tx, std::int64_t prompt_id, std::int64_t account_id,
                  std::int64_t channel_id, millis now);

}  // namespace ps::broadcast::store
