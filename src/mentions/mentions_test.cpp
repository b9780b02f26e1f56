// Mentions: the tokens found in rendered HTML (never in code), their markup, who may be
// mentioned where (on a temporary database, SQLite or PostgreSQL), @everyone and @here for hosts
// only, what edits and deletions keep, and the autocomplete's order.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "accounts/service.hpp"
#include "board/service.hpp"
#include "chat/service.hpp"
#include "communities/service.hpp"
#include "conversations/service.hpp"
#include "invitations/service.hpp"
#include "markdown/markdown.hpp"
#include "mentions/errors.hpp"
#include "mentions/markup.hpp"
#include "mentions/service.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"

namespace ps::mentions {
namespace {

using ps::testing::fails_with;

TEST(MentionMarkup, TokensOutsideCodeAreFound) {
  const auto html = render_markdown(
      "Salut <@12> et <@7>, encore <@12>! `<@99>` @everyone\n\n```\n<@98> @here\n```\n"
      "écris à ana@here.com ou @hereafter");
  const auto f = mentions_in(html);
  EXPECT_EQ(f.members, (std::vector<std::int64_t>{12, 7}));
  EXPECT_TRUE(f.everyone);
  EXPECT_FALSE(f.here);  // only in code, in an email address, or part of a longer word
  for (const char* not_tokens :
       {"<@>", "<@-1>", "<@0>", "<@12", "<@ 12>", "<@1234567890123456789>"})
    EXPECT_TRUE(mentions_in(render_markdown(not_tokens)).members.empty()) << not_tokens;
}

TEST(MentionMarkup, MarkedUpWithNamesAndReadBack) {
  const auto html = render_markdown("Merci <@12> et <@5> ! @here `<@12>`");
  const auto marked = marked_up(html, {{12, "Béa <3"}}, true);
  EXPECT_NE(marked.find("<span class=\"mention\" data-account-id=\"12\">@Béa &lt;3</span>"),
            std::string::npos)
      << marked;
  EXPECT_NE(marked.find("&lt;@5&gt;"), std::string::npos) << marked;  // unknown: left as written
  EXPECT_NE(marked.find("<span class=\"mention\" data-mention=\"here\">@here</span>"),
            std::string::npos);
  EXPECT_NE(marked.find("<code>&lt;@12&gt;</code>"), std::string::npos) << marked;
  const auto back = mentions_of_stored(marked);
  EXPECT_EQ(back.members, (std::vector<std::int64_t>{12}));
  EXPECT_TRUE(back.here);
  EXPECT_FALSE(back.everyone);
  // A member's @here without the right to it stays text.
  EXPECT_FALSE(mentions_of_stored(marked_up(html, {}, false)).here);
  // Nobody can type a span of ours: raw HTML is escaped before.
  EXPECT_TRUE(
      mentions_of_stored(render_markdown("<span class=\"mention\" data-account-id=\"3\">@x</span>"))
          .members.empty());
}

class Mentions : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");       // the owner, a host
  caller bea = t.person("Béatrice");  // a member
  caller cleo = t.person("Cleo");     // a member
  caller eve = t.person("Ève");       // of another community only
  std::string slug = t.community(ana);
  std::int64_t room = 0, board = 0;

  void SetUp() override {
    // Names of several words (an email is made of the first one).
    ASSERT_TRUE(accounts::update_profile(a(), ana, std::string("Ana Lévesque"), std::nullopt).ok());
    ASSERT_TRUE(
        accounts::update_profile(a(), cleo, std::string("Cléo Bélanger"), std::nullopt).ok());
    auto inv = invitations::create_invitation(a(), ana, slug, {});
    ASSERT_TRUE(inv.ok());
    ASSERT_TRUE(invitations::accept_invitation(a(), bea, inv->code).ok());
    ASSERT_TRUE(invitations::accept_invitation(a(), cleo, inv->code).ok());
    (void)t.community(eve, "Ailleurs");
    room = chat::create_channel(a(), ana, slug, "général", "chat")->id;
    board = chat::create_channel(a(), ana, slug, "babillard", "board")->id;
  }
  static std::string token(const caller& c) { return "<@" + std::to_string(c.account_id) + ">"; }
  nlohmann::json json_of(const chat::message& m) {
    return nlohmann::json::parse(chat::to_json_text(m));
  }
  std::int64_t rows_for(std::string_view kind, std::int64_t id) {
    return t.db->read([&](db::session& s) {
      return s
          .query_one("SELECT COUNT(*) FROM mentions WHERE item_kind = $1 AND item_id = $2", kind,
                     id)
          ->integer(0);
    });
  }
};

TEST_F(Mentions, AMemberIsMentionedByIdAndShownByName) {
  auto m = chat::post_message(a(), bea, room, {"Coucou " + token(cleo) + " !", {}, {}});
  ASSERT_TRUE(m.ok()) << code_name(m.error());
  EXPECT_EQ(m->body, "Coucou " + token(cleo) + " !");  // the id is what is kept
  EXPECT_NE(
      m->html.find("data-account-id=\"" + std::to_string(cleo.account_id) + "\">@Cléo Bélanger<"),
      std::string::npos)
      << m->html;
  const auto j = json_of(*m);
  EXPECT_EQ(j["mentions"], nlohmann::json::array({cleo.account_id}));
  EXPECT_FALSE(j["mention_everyone"].get<bool>());
  EXPECT_EQ(rows_for(in_message, m->id), 1);
  // The history says the same.
  auto page = chat::history(a(), ana, room, {std::nullopt, std::nullopt, 10});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(json_of(page->back())["mentions"], nlohmann::json::array({cleo.account_id}));
}

TEST_F(Mentions, SomeoneWhoCannotSeeTheRoomCannotBeMentioned) {
  const auto before = chat::history(a(), ana, room, {std::nullopt, std::nullopt, 50})->size();
  EXPECT_TRUE(
      fails_with(chat::post_message(a(), bea, room, {"hé " + token(eve), {}, {}}), not_in_room));
  EXPECT_TRUE(
      fails_with(chat::post_message(a(), bea, room, {"hé <@999999>", {}, {}}), not_in_room));
  // Through the queued path (the hot one) too.
  std::promise<result<chat::message>> queued;
  chat::post_message_then(a(), bea, room, {"hé " + token(eve), {}, {}},
                          [&](result<chat::message> r) { queued.set_value(std::move(r)); });
  EXPECT_TRUE(fails_with(queued.get_future().get(), not_in_room));
  EXPECT_EQ(chat::history(a(), ana, room, {std::nullopt, std::nullopt, 50})->size(), before);

  // A conversation: only its participants.
  auto dm = conversations::start_conversation(a(), bea, slug, {cleo.account_id}, std::nullopt);
  ASSERT_TRUE(dm.ok());
  EXPECT_TRUE(
      fails_with(chat::post_message(a(), bea, dm->c.room.id, {token(ana), {}, {}}), not_in_room));
  EXPECT_TRUE(chat::post_message(a(), bea, dm->c.room.id, {token(cleo), {}, {}}).ok());

  // Removed from the community: no longer mentionable.
  ASSERT_TRUE(communities::remove_member(a(), ana, slug, cleo.account_id).ok());
  EXPECT_TRUE(fails_with(chat::post_message(a(), bea, room, {token(cleo), {}, {}}), not_in_room));
}

TEST_F(Mentions, EveryoneAndHereAreForHosts) {
  auto from_member = chat::post_message(a(), bea, room, {"@everyone @here venez", {}, {}});
  ASSERT_TRUE(from_member.ok());
  EXPECT_FALSE(json_of(*from_member)["mention_everyone"].get<bool>());
  EXPECT_FALSE(json_of(*from_member)["mention_here"].get<bool>());
  EXPECT_EQ(rows_for(in_message, from_member->id), 0);
  auto from_host = chat::post_message(a(), ana, room, {"@everyone répétition ce soir", {}, {}});
  ASSERT_TRUE(from_host.ok());
  EXPECT_TRUE(json_of(*from_host)["mention_everyone"].get<bool>());
  EXPECT_EQ(rows_for(in_message, from_host->id), 1);
}

TEST_F(Mentions, EditsReplaceAndDeletionsForget) {
  auto m = chat::post_message(a(), bea, room, {"pour " + token(cleo), {}, {}});
  ASSERT_TRUE(m.ok());
  auto edited = chat::edit_message(a(), bea, m->id, "pour " + token(ana) + " et " + token(cleo));
  ASSERT_TRUE(edited.ok());
  EXPECT_EQ(json_of(*edited)["mentions"], nlohmann::json::array({ana.account_id, cleo.account_id}));
  EXPECT_EQ(rows_for(in_message, m->id), 2);
  EXPECT_TRUE(fails_with(chat::edit_message(a(), bea, m->id, token(eve)), not_in_room));
  ASSERT_TRUE(chat::delete_message(a(), bea, m->id).ok());
  EXPECT_EQ(rows_for(in_message, m->id), 0);

  // A renamed member's mention still names them: by id.
  auto again = chat::post_message(a(), bea, room, {"merci " + token(cleo), {}, {}});
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(accounts::update_profile(a(), cleo, std::string("Cléo B."), std::nullopt).ok());
  auto page = chat::history(a(), ana, room, {std::nullopt, std::nullopt, 10});
  EXPECT_EQ(json_of(page->back())["mentions"], nlohmann::json::array({cleo.account_id}));
}

TEST_F(Mentions, PostsAndCommentsMentionToo) {
  auto p = board::create_post(a(), bea, board, {"Question", "Qui vient, " + token(cleo) + " ?"});
  ASSERT_TRUE(p.ok()) << code_name(p.error());
  EXPECT_EQ(board::to_json(*p)["mentions"], nlohmann::json::array({cleo.account_id}));
  EXPECT_EQ(rows_for(in_post, p->id), 1);
  auto c = board::create_comment(a(), cleo, p->id, {"Moi ! " + token(bea), std::nullopt});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(board::to_json(*c)["mentions"], nlohmann::json::array({bea.account_id}));
  EXPECT_TRUE(
      fails_with(board::create_comment(a(), cleo, p->id, {token(eve), std::nullopt}), not_in_room));
  auto edited = board::edit_comment(a(), cleo, c->id, "Moi aussi " + token(ana));
  ASSERT_TRUE(edited.ok());
  EXPECT_EQ(board::to_json(*edited)["mentions"], nlohmann::json::array({ana.account_id}));
  auto post_edit = board::edit_post(a(), bea, p->id, {std::nullopt, std::string("Personne ?")});
  ASSERT_TRUE(post_edit.ok());
  EXPECT_EQ(board::to_json(*post_edit)["mentions"], nlohmann::json::array());
  EXPECT_EQ(rows_for(in_post, p->id), 0);
}

TEST_F(Mentions, ANumberOfMentionsIsBounded) {
  std::string body;
  for (int i = 1; i <= static_cast<int>(max_members_per_item) + 1; ++i)
    body += "<@" + std::to_string(i) + "> ";
  EXPECT_TRUE(fails_with(chat::post_message(a(), bea, room, {body, {}, {}}),
                         error_code::invalid_field, "body", field_problem::too_many));
}

TEST_F(Mentions, TheAutocompleteRanksFirstNamesFirstAndIgnoresAccents) {
  auto names = [&](const caller& who, std::int64_t channel, std::string typed) {
    auto s = mentionable(a(), who, channel, typed, 8);
    EXPECT_TRUE(s.ok());
    std::vector<std::string> out;
    if (s.ok())
      for (const auto& m : s->members) out.push_back(m.display_name);
    return out;
  };
  EXPECT_EQ(names(bea, room, "be"), (std::vector<std::string>{"Béatrice", "Cléo Bélanger"}));
  EXPECT_EQ(names(bea, room, "BÉL"), (std::vector<std::string>{"Cléo Bélanger"}));
  EXPECT_EQ(names(bea, room, "cle"), (std::vector<std::string>{"Cléo Bélanger"}));
  EXPECT_EQ(names(bea, room, "").size(), 3u);  // everyone in the room, Ève not
  EXPECT_EQ(names(bea, room, "vesq"), (std::vector<std::string>{"Ana Lévesque"}));
  // Ève is in another community: "eve" finds only what "Lévesque" holds.
  EXPECT_EQ(names(bea, room, "eve"), (std::vector<std::string>{"Ana Lévesque"}));
  EXPECT_TRUE(names(bea, room, "zut").empty());

  auto host = mentionable(a(), ana, room, "ev", 8);
  ASSERT_TRUE(host.ok());
  EXPECT_TRUE(host->everyone);
  EXPECT_FALSE(host->here);
  auto member = mentionable(a(), bea, room, "", 8);
  ASSERT_TRUE(member.ok());
  EXPECT_FALSE(member->everyone);
  EXPECT_FALSE(member->here);

  auto dm = conversations::start_conversation(a(), bea, slug, {cleo.account_id}, std::nullopt);
  ASSERT_TRUE(dm.ok());
  EXPECT_EQ(names(bea, dm->c.room.id, ""), (std::vector<std::string>{"Béatrice", "Cléo Bélanger"}));
  EXPECT_TRUE(fails_with(mentionable(a(), ana, dm->c.room.id, "", 8), error_code::not_found));
  EXPECT_TRUE(fails_with(mentionable(a(), eve, room, "", 8), error_code::not_found));
  EXPECT_TRUE(fails_with(mentionable(a(), bea, room, "", 0), error_code::invalid_field, "limit"));
  EXPECT_TRUE(fails_with(mentionable(a(), bea, room, std::string(101, 'a'), 8),
                         error_code::invalid_field, "q"));
}

}  // namespace
}  // namespace ps::mentions
