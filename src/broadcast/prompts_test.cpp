// Question prompts on a temporary database (SQLite, or PostgreSQL when the run has one): a host
// asks in a broadcast; a member's answer is seen by that member and the hosts and nobody else,
// on every path (the service, the live stream, resume); a host answers one back in the direct
// conversation of the two, whatever the member's "only people I have talked with".
#include "broadcast/prompts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "broadcast/errors.hpp"
#include "broadcast/room_fixture.hpp"
#include "chat/errors.hpp"
#include "chat/service.hpp"
#include "communities/service.hpp"
#include "conversations/errors.hpp"
#include "conversations/service.hpp"
#include "invitations/service.hpp"
#include "testing/assertions.hpp"
#include "testing/resume.hpp"
#include "testing/test_app.hpp"

namespace ps::broadcast {
namespace {

using nlohmann::json;
using ps::testing::fails_with;

class Prompts : public broadcast_room {
 protected:
  shown_prompt asked(const std::string& question = "Quel rappel au prochain show?") {
    auto s = create_prompt(a(), ana, room, question);
    if (!s) throw std::runtime_error("create_prompt: " + std::string(code_name(s.error())));
    return *s;
  }
  std::int64_t last_pos() {
    return t.db->read([&](db::session& s) {
      return s.query_one("SELECT last_event_pos FROM communities WHERE id = $1", community_id)
          ->integer(0);
    });
  }
  static std::vector<std::string> types(const std::vector<json>& frames) {
    std::vector<std::string> out;
    for (const auto& f : frames) out.push_back(f["type"]);
    return out;
  }
};

TEST_F(Prompts, AHostAsksInTheFeedMembersCannot) {
  auto s = asked("  Quel rappel au prochain show?  ");
  EXPECT_EQ(s.p.question, "Quel rappel au prochain show?");
  auto messages = *chat::history(a(), bea, room, {});
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].id, s.p.message_id);
  EXPECT_EQ(messages[0].body, "Quel rappel au prochain show?");
  EXPECT_TRUE(fails_with(create_prompt(a(), bea, room, "Et moi?"), error_code::forbidden));
  EXPECT_TRUE(fails_with(create_prompt(a(), eve, room, "Et moi?"), error_code::not_found));
  EXPECT_TRUE(fails_with(create_prompt(a(), ana, room, "deux\nlignes"), error_code::invalid_field,
                         "question"));
  EXPECT_TRUE(fails_with(create_prompt(a(), ana, room, std::string(301, 'q')),
                         error_code::invalid_field, "question"));
  const auto chat_room = chat::create_channel(a(), ana, slug, "jasette", "chat")->id;
  EXPECT_TRUE(fails_with(create_prompt(a(), ana, chat_room, "Ici?"), not_a_broadcast));
  EXPECT_EQ(list_prompts(a(), max, room)->size(), 1u);
  EXPECT_EQ(chat::history(a(), bea, room, {})->size(), 1u) << "refusals wrote nothing";
}

TEST_F(Prompts, AnAnswerIsSeenByItsAuthorAndTheHostsOnly) {
  auto s = asked();
  auto mine = answer_prompt(a(), bea, s.p.id, "  Harmonium, évidemment  ");
  ASSERT_TRUE(mine.ok());
  ASSERT_TRUE(mine->v.mine.has_value());
  EXPECT_EQ(mine->v.mine->body, "Harmonium, évidemment");
  EXPECT_FALSE(mine->v.host);
  const auto first_id = mine->v.mine->id;

  auto theirs = get_prompt(a(), max, s.p.id);
  EXPECT_FALSE(theirs->v.mine.has_value()) << "Max sees no one's answer but his own";
  EXPECT_FALSE(theirs->v.host);
  EXPECT_FALSE(to_json(theirs->p, theirs->v).contains("answer_count"));
  EXPECT_TRUE(fails_with(list_answers(a(), max, s.p.id, std::nullopt), error_code::forbidden));
  EXPECT_TRUE(fails_with(list_answers(a(), eve, s.p.id, std::nullopt), error_code::not_found));

  ASSERT_TRUE(answer_prompt(a(), max, s.p.id, "Le Reel du pendu").ok());
  auto changed = answer_prompt(a(), bea, s.p.id, "Finalement: une surprise");
  EXPECT_EQ(changed->v.mine->id, first_id) << "changed in place";
  auto host_view = get_prompt(a(), ana, s.p.id);
  EXPECT_EQ(host_view->p.answers, 2);
  EXPECT_EQ(to_json(host_view->p, host_view->v)["answer_count"], 2);
  auto page = list_answers(a(), ana, s.p.id, std::nullopt);
  ASSERT_EQ(page->answers.size(), 2u);
  EXPECT_EQ(page->answers[0].display_name, "Max") << "the latest first";
  EXPECT_EQ(page->answers[1].body, "Finalement: une surprise");
  EXPECT_GT(page->answers[1].member_number, 0);
  EXPECT_FALSE(page->next_before.has_value());
  EXPECT_TRUE(list_answers(a(), ana, s.p.id, page->answers[1].id)->answers.empty());

  EXPECT_TRUE(
      fails_with(answer_prompt(a(), bea, s.p.id, "   "), error_code::invalid_field, "body"));
  EXPECT_TRUE(fails_with(answer_prompt(a(), bea, s.p.id, std::string(2001, 'x')),
                         error_code::invalid_field, "body"));
  EXPECT_TRUE(fails_with(answer_prompt(a(), eve, s.p.id, "moi"), error_code::not_found));
  EXPECT_EQ(get_prompt(a(), bea, s.p.id)->v.mine->body, "Finalement: une surprise");

  // The room's list says the same, each reader their own.
  asked("Et la première partie?");
  auto bea_list = *list_prompts(a(), bea, room);
  ASSERT_EQ(bea_list.size(), 2u);
  EXPECT_FALSE(bea_list[0].v.mine.has_value()) << "the newest first, not answered";
  EXPECT_EQ(bea_list[1].v.mine->body, "Finalement: une surprise");
  EXPECT_EQ(bea_list[1].v.mine->display_name, "Bea");
  EXPECT_EQ((*list_prompts(a(), max, room))[1].v.mine->body, "Le Reel du pendu");
  auto host_list = *list_prompts(a(), ana, room);
  EXPECT_TRUE(host_list[1].v.host);
  EXPECT_EQ(host_list[1].p.answers, 2);
  EXPECT_FALSE(host_list[1].v.mine.has_value());
}

TEST_F(Prompts, ClosedQuestionsTakeNoAnswersUntilReopened) {
  auto s = asked();
  EXPECT_TRUE(fails_with(set_prompt_closed(a(), bea, s.p.id, true), error_code::forbidden));
  auto closed = set_prompt_closed(a(), ana, s.p.id, true);
  ASSERT_TRUE(closed.ok());
  EXPECT_TRUE(closed->p.closed_at.has_value());
  EXPECT_TRUE(fails_with(answer_prompt(a(), bea, s.p.id, "trop tard?"), prompt_closed));
  ASSERT_TRUE(set_prompt_closed(a(), ana, s.p.id, false).ok());
  EXPECT_TRUE(answer_prompt(a(), bea, s.p.id, "pas trop tard").ok());
  ASSERT_TRUE(chat::update_channel(a(), ana, room, std::nullopt, true).ok());
  EXPECT_TRUE(fails_with(answer_prompt(a(), max, s.p.id, "archivé?"), chat::channel_archived));
}

TEST_F(Prompts, DeletingTheQuestionsMessageTakesThePromptAwayForEveryone) {
  auto kept = asked("Et la première partie?");
  auto s = asked();
  ASSERT_TRUE(answer_prompt(a(), bea, s.p.id, "Harmonium").ok());
  ASSERT_TRUE(chat::delete_message(a(), ana, s.p.message_id).ok());
  EXPECT_TRUE(fails_with(get_prompt(a(), bea, s.p.id), error_code::not_found));
  EXPECT_TRUE(fails_with(answer_prompt(a(), max, s.p.id, "trop tard"), error_code::not_found));
  EXPECT_TRUE(fails_with(list_answers(a(), ana, s.p.id, std::nullopt), error_code::not_found));
  auto listed = *list_prompts(a(), ana, room);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].p.id, kept.p.id);
}

TEST_F(Prompts, AnswerEventsReachTheAuthorAndTheHostsLiveAndOnResume) {
  auto s = asked();
  const auto from = last_pos();
  auto host = std::make_shared<testing::recording_subscriber>();
  auto author = std::make_shared<testing::recording_subscriber>();
  auto other = std::make_shared<testing::recording_subscriber>();
  t.hub.attach(host, {ana.account_id}, {community_id});
  t.hub.attach(author, {bea.account_id}, {community_id});
  t.hub.attach(other, {max.account_id}, {community_id});
  ASSERT_TRUE(answer_prompt(a(), bea, s.p.id, "Harmonium").ok());
  ASSERT_TRUE(answer_prompt(a(), bea, s.p.id, "Harmonium").ok()) << "the same answer: no event";
  ASSERT_EQ(host->count(), 1u);
  ASSERT_EQ(author->count(), 1u);
  EXPECT_EQ(other->count(), 0u) << "Max never hears of Bea's answer";
  const auto live = json::parse(host->texts()[0]);
  EXPECT_EQ(live["type"], "prompt.answered");
  EXPECT_EQ(live["answer"]["body"], "Harmonium");
  EXPECT_FALSE(live["prompt"].contains("answer_count"));

  EXPECT_EQ(types(testing::resume_frames(a(), max, community_id, from)),
            (std::vector<std::string>{"resumed"}));
  EXPECT_EQ(types(testing::resume_frames(a(), bea, community_id, from)),
            (std::vector<std::string>{"prompt.answered", "resumed"}));
  auto replayed = testing::resume_frames(a(), ana, community_id, from);
  EXPECT_EQ(types(replayed), (std::vector<std::string>{"prompt.answered", "resumed"}));
  EXPECT_EQ(replayed[0]["answer"]["body"], "Harmonium");

  // A host who is a host no more reads no answer on resume.
  ASSERT_TRUE(communities::change_role(a(), ana, slug, max.account_id, "host").ok());
  ASSERT_TRUE(answer_prompt(a(), bea, s.p.id, "Le Reel du pendu").ok());
  const auto heard = other->texts();
  EXPECT_EQ(
      std::ranges::count_if(
          heard, [](const std::string& f) { return json::parse(f)["type"] == "prompt.answered"; }),
      1)
      << "Max, a host now, hears of it";
  ASSERT_TRUE(communities::change_role(a(), ana, slug, max.account_id, "member").ok());
  for (const auto& f : testing::resume_frames(a(), max, community_id, from))
    EXPECT_NE(f["type"], "prompt.answered") << f.dump();
}

TEST_F(Prompts, AHostAnswersBackInTheirDirectConversation) {
  auto s = asked();
  ASSERT_TRUE(answer_prompt(a(), bea, s.p.id, "Harmonium\nsvp").ok());
  // Bea takes direct messages only from people she talked with: she wrote to the hosts.
  ASSERT_TRUE(conversations::change_settings(a(), bea, slug, std::nullopt, true).ok());
  auto sent = reply_to_answer(a(), ana, s.p.id, bea.account_id, "Noté, merci!");
  ASSERT_TRUE(sent.ok()) << code_name(sent.error());
  EXPECT_EQ(sent->message.body,
            "> **Quel rappel au prochain show?**\n> Harmonium\n> svp\n\nNoté, merci!");
  EXPECT_EQ(sent->replied.reply_channel_id, sent->channel_id);
  auto dm = chat::history(a(), bea, sent->channel_id, {});
  ASSERT_TRUE(dm.ok());
  ASSERT_EQ(dm->size(), 1u);
  EXPECT_TRUE(fails_with(chat::history(a(), max, sent->channel_id, {}), error_code::not_found));
  auto again = reply_to_answer(a(), ana, s.p.id, bea.account_id, "Et à jeudi!");
  EXPECT_EQ(again->channel_id, sent->channel_id) << "the same direct conversation";
  auto listed = conversations::list_conversations(a(), bea, slug);
  EXPECT_EQ(listed->size(), 1u);

  EXPECT_TRUE(
      fails_with(reply_to_answer(a(), bea, s.p.id, bea.account_id, "moi"), error_code::forbidden));
  EXPECT_TRUE(
      fails_with(reply_to_answer(a(), ana, s.p.id, max.account_id, "toi?"), error_code::not_found))
      << "Max did not answer";
  EXPECT_TRUE(fails_with(reply_to_answer(a(), ana, s.p.id, bea.account_id, std::string(3001, 'x')),
                         error_code::invalid_field, "body"));
  ASSERT_TRUE(conversations::change_settings(a(), ana, slug, false, std::nullopt).ok());
  EXPECT_TRUE(fails_with(reply_to_answer(a(), ana, s.p.id, bea.account_id, "fermé?"),
                         conversations::direct_messages_off));
  ASSERT_TRUE(conversations::change_settings(a(), ana, slug, true, std::nullopt).ok());
  ASSERT_TRUE(communities::remove_member(a(), ana, slug, bea.account_id).ok());
  EXPECT_TRUE(fails_with(reply_to_answer(a(), ana, s.p.id, bea.account_id, "partie?"),
                         error_code::not_found))
      << "nobody to answer back to";
  auto page = list_answers(a(), ana, s.p.id, std::nullopt);
  ASSERT_EQ(page->answers.size(), 1u);
  EXPECT_EQ(page->answers[0].member_number, 0) << "she left: her name stays, not her number";
}

}  // namespace
}  // namespace ps::broadcast
