#include "broadcast/prompts.hpp"

#include <algorithm>

#include "access/policy.hpp"
#include "broadcast/errors.hpp"
#include "broadcast/events.hpp"
#include "broadcast/prompt_store.hpp"
#include "chat/errors.hpp"
#include "chat/service.hpp"
#include "chat/store.hpp"
#include "conversations/errors.hpp"
#include "conversations/service.hpp"
#include "conversations/store.hpp"
#include "core/checked_text.hpp"
#include "core/text.hpp"
#include "realtime/event_log.hpp"

namespace ps::broadcast {
namespace {

// How much of an answer a host's reply quotes (the message must stay within chat's limit).
constexpr std::size_t quoted_answer_length = 500;

prompt_view view_of(db::session& s, const prompt& p, bool host, std::int64_t reader) {
  return prompt_view{host, store::answer_of(s, p.id, reader)};
}

realtime::logged_event event_of(const prompt& p, const char* type, millis now) {
  realtime::logged_event e;
  e.community_id = p.community_id;
  e.type = type;
  e.channel_id = p.channel_id;
  e.subject_id = p.id;
  e.created_at = now;
  return e;
}

// prompt.created, prompt.changed: to whoever may see the room.
void record_prompt(app& app, db::transaction& tx, const chat::channel& room, const char* type,
                   const prompt& p, millis now) {
  auto e = event_of(p, type, now);
  realtime::append(tx, e);
  realtime::publish_after_commit(tx, app.hub, access::audience_of(tx, room),
                                 realtime::logged_frame(prompt_event_json(e, p), e));
}

// prompt.answered, prompt.replied: to each of `readers` alone, one event each, so that resume
// and the other nodes hand it to that person and nobody else.
void record_answer(app& app, db::transaction& tx, const char* type, const prompt& p,
                   const answer& a, std::vector<std::int64_t> readers, millis now) {
  std::ranges::sort(readers);
  readers.erase(std::unique(readers.begin(), readers.end()), readers.end());
  for (auto reader : readers) {
    auto e = event_of(p, type, now);
    e.actor_id = a.account_id;
    e.only_account_id = reader;
    realtime::append(tx, e);
    realtime::publish_after_commit(tx, app.hub, access::just(p.community_id, reader),
                                   realtime::logged_frame(answer_event_json(e, p, a), e));
  }
}

struct prompt_in_room {
  prompt p;
  access::channel_ref where;
};
result<prompt_in_room> prompt_for(db::session& s, const caller& who, std::int64_t prompt_id) {
  auto p = store::prompt_by_id(s, prompt_id);
  if (!p) return errors::not_found("prompt");
  auto where = access::channel_for(s, who, p->channel_id);
  if (!where) return errors::not_found("prompt");
  return prompt_in_room{std::move(*p), std::move(*where)};
}

// The first `most` code points of `text`, with an ellipsis when it was longer.
std::string excerpt(const std::string& text, std::size_t most) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (points++ == most) return text.substr(0, i) + "…";
  }
  return text;
}

// Markdown's quote of a text that may hold line breaks: every line behind "> ".
std::string quoted(const std::string& text) {
  std::string out = "> ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += "> ";
  }
  return out;
}

}  // namespace

result<shown_prompt> create_prompt(app& app, const caller& who, std::int64_t channel_id,
                                   const std::string& raw_question) {
  auto question = checked_line(raw_question, "question", max_question_length);
  if (!question) return question.error();
  return app.db.write([&](db::transaction& tx) -> result<shown_prompt> {
    auto where = access::channel_for(tx, who, channel_id);
    if (!where) return where.error();
    if (where->place.kind != chat::broadcast_kind) return errors::of(not_a_broadcast);
    if (!where->is_host()) return errors::forbidden();
    if (where->place.archived_at) return errors::of(chat::channel_archived);
    auto m = chat::post_within(app, tx, who, channel_id, {*question, std::nullopt, std::nullopt});
    if (!m) return m.error();
    const millis now = app.clock.now();
    prompt p;
    p.channel_id = channel_id;
    p.community_id = where->place.community_id;
    p.message_id = m->id;
    p.question = *question;
    p.created_at = now;
    p.id = store::insert_prompt(tx, p, who.account_id);
    record_prompt(app, tx, where->place, "prompt.created", p, now);
    return shown_prompt{p, prompt_view{true, std::nullopt}};
  });
}

result<shown_prompt> get_prompt(app& app, const caller& who, std::int64_t prompt_id) {
  return app.db.read([&](db::session& s) -> result<shown_prompt> {
    auto found = prompt_for(s, who, prompt_id);
    if (!found) return found.error();
    return shown_prompt{found->p, view_of(s, found->p, found->where.is_host(), who.account_id)};
  });
}

result<std::vector<shown_prompt>> list_prompts(app& app, const caller& who,
                                               std::int64_t channel_id) {
  return app.db.read([&](db::session& s) -> result<std::vector<shown_prompt>> {
    auto where = access::channel_for(s, who, channel_id);
    if (!where) return where.error();
    std::vector<shown_prompt> out;
    for (auto& one : store::prompts_of(s, channel_id, who.account_id, max_listed_prompts))
      out.push_back(
          {std::move(one.p), prompt_view{where->is_host(), std::move(one.reader_answer)}});
    return out;
  });
}

result<shown_prompt> answer_prompt(app& app, const caller& who, std::int64_t prompt_id,
                                   const std::string& raw_body) {
  auto body = checked_text(raw_body, "body", max_answer_length);
  if (!body) return body.error();
  return app.db.write([&](db::transaction& tx) -> result<shown_prompt> {
    auto found = prompt_for(tx, who, prompt_id);
    if (!found) return found.error();
    if (found->where.place.archived_at) return errors::of(chat::channel_archived);
    if (found->p.closed_at) return errors::of(prompt_closed);
    const millis now = app.clock.now();
    if (store::put_answer(tx, prompt_id, who.account_id, *body, now)) {
      auto p = *store::prompt_by_id(tx, prompt_id);
      auto a = *store::answer_of(tx, prompt_id, who.account_id);
      auto readers = access::hosts_of(tx, p.community_id);
      readers.push_back(who.account_id);
      record_answer(app, tx, "prompt.answered", p, a, std::move(readers), now);
      found->p = std::move(p);
    }
    return shown_prompt{found->p, view_of(tx, found->p, found->where.is_host(), who.account_id)};
  });
}

result<shown_prompt> set_prompt_closed(app& app, const caller& who, std::int64_t prompt_id,
                                       bool closed) {
  return app.db.write([&](db::transaction& tx) -> result<shown_prompt> {
    auto found = prompt_for(tx, who, prompt_id);
    if (!found) return found.error();
    if (!found->where.is_host()) return errors::forbidden();
    const millis now = app.clock.now();
    if (store::set_prompt_closed(tx, prompt_id,
                                 closed ? std::optional<millis>(now) : std::nullopt)) {
      found->p = *store::prompt_by_id(tx, prompt_id);
      record_prompt(app, tx, found->where.place, "prompt.changed", found->p, now);
    }
    return shown_prompt{found->p, view_of(tx, found->p, true, who.account_id)};
  });
}

result<answer_page> list_answers(app& app, const caller& who, std::int64_t prompt_id,
                                 std::optional<std::int64_t> before) {
  return app.db.read([&](db::session& s) -> result<answer_page> {
    auto found = prompt_for(s, who, prompt_id);
    if (!found) return found.error();
    if (!found->where.is_host()) return errors::forbidden();
    answer_page page;
    page.answers = store::answers_of(s, prompt_id, before, max_listed_answers + 1);
    if (page.answers.size() > max_listed_answers) {
      page.answers.resize(max_listed_answers);
      page.next_before = page.answers.back().id;
    }
    return page;
  });
}

result<reply_sent> reply_to_answer(app& app, const caller& who, std::int64_t prompt_id,
                                   std::int64_t account_id, const std::string& raw_body) {
  auto body = checked_text(raw_body, "body", max_reply_length);
  if (!body) return body.error();
  return app.db.write([&](db::transaction& tx) -> result<reply_sent> {
    auto found = prompt_for(tx, who, prompt_id);
    if (!found) return found.error();
    if (!found->where.is_host()) return errors::forbidden();
    auto a = store::answer_of(tx, prompt_id, account_id);
    // Someone who left the community has nobody to answer back to.
    if (!a || a->member_number == 0) return errors::not_found("answer");
    if (account_id == who.account_id)
      return errors::invalid("account_id", field_problem::not_allowed);
    const auto community_id = found->p.community_id;
    if (conversations::store::direct_messages_off(tx, community_id))
      return errors::of(conversations::direct_messages_off);
    const auto room =
        conversations::open_direct_within(app, tx, community_id, who.account_id, account_id);
    // The quote of an answer of many short lines grows by "> " each: shortened until the
    // message fits in chat's limit (the question and the reply always do).
    std::string text;
    for (std::size_t most = quoted_answer_length;; most = most > 50 ? most - 50 : 0) {
      text = quoted("**" + found->p.question + "**\n" + excerpt(a->body, most)) + "\n\n" + *body;
      if (most == 0 || text::utf8_length(text) <= chat::max_body_length) break;
    }
    auto m = chat::post_within(app, tx, who, room, {text, std::nullopt, std::nullopt});
    if (!m) return m.error();
    const millis now = app.clock.now();
    store::mark_replied(tx, prompt_id, account_id, room, now);
    auto replied = *store::answer_of(tx, prompt_id, account_id);
    record_answer(app, tx, "prompt.replied", found->p, replied, access::hosts_of(tx, community_id),
                  now);
    return reply_sent{room, std::move(*m), std::move(replied)};
  });
}

}  // namespace ps::broadcast
