// The rules of a board on a temporary database (SQLite, or PostgreSQL when the run has one):
// posts and comments, the list's order, "new since your last visit", pins and locks, who may do
// what, and the events a change logs, live and replayed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "board/errors.hpp"
#include "board/service.hpp"
#include "chat/errors.hpp"
#include "chat/service.hpp"
#include "communities/service.hpp"
#include "invitations/service.hpp"
#include "testing/assertions.hpp"
#include "testing/resume.hpp"
#include "testing/test_app.hpp"

namespace ps::board {
namespace {

using nlohmann::json;
using ps::testing::fails_with;

class Board : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");  // the owner
  caller bea = t.person("Bea");  // a member
  caller max = t.person("Max");  // a member
  caller eve = t.person("Eve");  // not a member
  std::string slug = t.community(ana);
  std::int64_t community_id = communities::access_community(a(), ana, slug)->place.id;
  std::int64_t board = 0;

  void SetUp() override {
    for (const caller* who : {&bea, &max}) {
      auto inv = invitations::create_invitation(a(), ana, slug, {});
      ASSERT_TRUE(inv.ok());
      ASSERT_TRUE(invitations::accept_invitation(a(), *who, inv->code).ok());
    }
    auto c = chat::create_channel(a(), ana, slug, "babillard", "board");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->kind, "board");
    board = c->id;
  }

  post posted(const caller& who, const std::string& body,
              std::optional<std::string> title = std::nullopt) {
    auto p = create_post(a(), who, board, {std::move(title), body});
    if (!p) throw std::runtime_error("create_post: " + std::string(code_name(p.error())));
    return *p;
  }

  comment commented(const caller& who, std::int64_t post_id, const std::string& body,
                    std::optional<std::int64_t> parent = std::nullopt) {
    auto c = create_comment(a(), who, post_id, {body, parent});
    if (!c) throw std::runtime_error("create_comment: " + std::string(code_name(c.error())));
    return *c;
  }

  std::vector<std::int64_t> listed_ids(const caller& who) {
    std::vector<std::int64_t> out;
    const auto list = list_posts(a(), who, board);
    for (const auto& p : *list) out.push_back(p.id);
    return out;
  }

  post listed(const caller& who, std::int64_t id) {
    const auto list = list_posts(a(), who, board);
    for (const auto& p : *list)
      if (p.id == id) return p;
    throw std::runtime_error("not listed");
  }

  void visits_written() {
    t.db->write([](db::transaction&) {});
  }  // after the write_later ones

  std::vector<json> resume(const caller& who, std::int64_t pos) {
    return testing::resume_frames(a(), who, community_id, pos);
  }
};

TEST_F(Board, MembersPostWithAnOptionalTitleAndMarkdown) {
  auto p = posted(bea, "  On cherche un **batteur** pour jeudi  ", "Batteur recherché");
  EXPECT_GT(p.id, 0);
  EXPECT_EQ(p.title, "Batteur recherché");
  EXPECT_EQ(p.body, "On cherche un **batteur** pour jeudi");
  EXPECT_NE(p.html.find("<strong>batteur</strong>"), std::string::npos);
  EXPECT_EQ(p.author_name, "Bea");
  auto untitled = posted(max, "Sans titre");
  EXPECT_FALSE(untitled.title.has_value());
  EXPECT_FALSE(posted(max, "Titre vide", "   ").title.has_value());
}

TEST_F(Board, BadPostsAreRefusedAndChangeNothing) {
  EXPECT_TRUE(fails_with(create_post(a(), bea, board, {std::nullopt, "   "}),
                         error_code::invalid_field, "body", field_problem::required));
  EXPECT_TRUE(fails_with(create_post(a(), bea, board, {std::nullopt, std::string(20001, 'a')}),
                         error_code::invalid_field, "body", field_problem::too_long));
  EXPECT_TRUE(fails_with(create_post(a(), bea, board, {std::string(201, 't'), "corps"}),
                         error_code::invalid_field, "title", field_problem::too_long));
  EXPECT_TRUE(fails_with(create_post(a(), bea, board, {"deux\nlignes", "corps"}),
                         error_code::invalid_field, "title"));
  EXPECT_TRUE(fails_with(create_post(a(), bea, board, {std::nullopt, "a\x01z"}),
                         error_code::invalid_field, "body"));
  // Not a member, another community's board, a chat channel.
  EXPECT_TRUE(
      fails_with(create_post(a(), eve, board, {std::nullopt, "coucou"}), error_code::not_found));
  auto other_slug = t.community(eve, "Ailleurs");
  auto other = chat::create_channel(a(), eve, other_slug, "leur-babillard", "board");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(fails_with(create_post(a(), bea, other->id, {std::nullopt, "intrusion"}),
                         error_code::not_found));
  auto chat_room = chat::create_channel(a(), ana, slug, "jasette", "chat");
  EXPECT_TRUE(
      fails_with(create_post(a(), bea, chat_room->id, {std::nullopt, "ici?"}), not_a_board));
  EXPECT_TRUE(list_posts(a(), bea, board)->empty());
}

TEST_F(Board, ABoardTakesNoChatMessages) {
  EXPECT_TRUE(fails_with(chat::post_message(a(), bea, board, {"un message", {}, {}}),
                         chat::room_takes_posts));
}

TEST_F(Board, TheListPutsPinnedPostsFirstThenTheLatestActivity) {
  auto first = posted(bea, "premier");
  t.clock.advance(1000);
  auto second = posted(max, "deuxième");
  t.clock.advance(1000);
  auto third = posted(bea, "troisième");
  EXPECT_EQ(listed_ids(bea), (std::vector<std::int64_t>{third.id, second.id, first.id}));
  // A comment is activity: the first post comes up.
  t.clock.advance(1000);
  commented(max, first.id, "je remonte");
  EXPECT_EQ(listed_ids(bea), (std::vector<std::int64_t>{first.id, third.id, second.id}));
  EXPECT_EQ(listed(bea, first.id).comment_count, 1);
  // Pinned first, in the order the host sets.
  ASSERT_TRUE(set_pinned(a(), ana, second.id, true).ok());
  ASSERT_TRUE(set_pinned(a(), ana, third.id, true).ok());
  EXPECT_EQ(listed_ids(bea), (std::vector<std::int64_t>{second.id, third.id, first.id}));
  auto moved = set_pinned(a(), ana, third.id, true, 0);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->pin_order, 0);
  EXPECT_EQ(listed_ids(bea), (std::vector<std::int64_t>{third.id, second.id, first.id}));
  ASSERT_TRUE(set_pinned(a(), ana, third.id, false).ok());
  EXPECT_EQ(listed_ids(bea), (std::vector<std::int64_t>{second.id, first.id, third.id}));
}

TEST_F(Board, CommentsAreInOrderWithOneLevelOfReplies) {
  auto p = posted(bea, "Qui vient?");
  auto c1 = commented(max, p.id, "Moi!");
  auto c2 = commented(ana, p.id, "Moi aussi", c1.id);
  EXPECT_EQ(c2.parent_id, c1.id);
  // A reply to a reply, to a comment of another post, to nothing: refused.
  EXPECT_TRUE(fails_with(create_comment(a(), bea, p.id, {"trop loin", c2.id}),
                         error_code::invalid_field, "parent_id", field_problem::not_allowed));
  auto other = posted(max, "Autre chose");
  EXPECT_TRUE(fails_with(create_comment(a(), bea, other.id, {"mauvais fil", c1.id}),
                         error_code::invalid_field, "parent_id", field_problem::not_allowed));
  EXPECT_TRUE(fails_with(create_comment(a(), bea, p.id, {"rien", 999999}),
                         error_code::invalid_field, "parent_id", field_problem::not_allowed));
  EXPECT_TRUE(fails_with(create_comment(a(), bea, p.id, {"  ", std::nullopt}),
                         error_code::invalid_field, "body", field_problem::required));
  auto page = list_comments(a(), bea, p.id);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->comments.size(), 2u);
  EXPECT_EQ(page->comments[0].id, c1.id);
  EXPECT_EQ(page->comments[1].id, c2.id);
  EXPECT_EQ(page->of.comment_count, 2);
  // Someone who may not see the board finds no post, whatever its id.
  EXPECT_TRUE(fails_with(list_comments(a(), eve, p.id), error_code::not_found));
  EXPECT_TRUE(
      fails_with(create_comment(a(), eve, p.id, {"psst", std::nullopt}), error_code::not_found));
  EXPECT_TRUE(fails_with(list_comments(a(), bea, 999999), error_code::not_found));
}

TEST_F(Board, NewSinceTheLastVisitCountsOthersCommentsOnly) {
  auto p = posted(bea, "Le show de jeudi");
  EXPECT_FALSE(listed(max, p.id).visited);
  commented(ana, p.id, "Confirmé");
  commented(bea, p.id, "Super");
  EXPECT_EQ(listed(max, p.id).new_comments, 2);
  EXPECT_EQ(listed(bea, p.id).new_comments, 1)
      << "her own comment is not new to her; Ana's, which she was never shown, is";
  auto page = list_comments(a(), max, p.id);
  ASSERT_TRUE(page.ok());
  EXPECT_FALSE(page->last_seen_comment_id.has_value()) << "a first visit";
  visits_written();
  EXPECT_TRUE(listed(max, p.id).visited);
  EXPECT_EQ(listed(max, p.id).new_comments, 0);
  auto later = commented(ana, p.id, "On commence à 20 h");
  EXPECT_EQ(listed(max, p.id).new_comments, 1);
  auto again = list_comments(a(), max, p.id);
  EXPECT_EQ(again->last_seen_comment_id, page->comments.back().id);
  EXPECT_LT(*again->last_seen_comment_id, later.id) << "what is new is after it";
  EXPECT_TRUE(again->of.visited);
  EXPECT_EQ(again->of.new_comments, 0) << "as it is once this visit is recorded";

  // Comments that came while reading are marked seen by the app.
  auto live = commented(ana, p.id, "Et les billets?");
  visits_written();
  EXPECT_EQ(listed(max, p.id).new_comments, 1);
  ASSERT_TRUE(mark_seen(a(), max, p.id, live.id).ok());
  EXPECT_EQ(listed(max, p.id).new_comments, 0);
  ASSERT_TRUE(mark_seen(a(), max, p.id, later.id).ok()) << "never back";
  EXPECT_EQ(listed(max, p.id).new_comments, 0);
  EXPECT_TRUE(
      fails_with(mark_seen(a(), max, p.id, 999999), error_code::invalid_field, "comment_id"));
  EXPECT_TRUE(fails_with(mark_seen(a(), eve, p.id, live.id), error_code::not_found));
  // A single post's answer tells the reader's own view, as the list does.
  auto pinned = set_pinned(a(), ana, p.id, true);
  EXPECT_TRUE(pinned->visited == listed(ana, p.id).visited);
  EXPECT_EQ(pinned->new_comments, listed(ana, p.id).new_comments);
}

TEST_F(Board, HostsPinAndLockMembersDoNot) {
  auto p = posted(bea, "À lire");
  EXPECT_TRUE(fails_with(set_pinned(a(), bea, p.id, true), error_code::forbidden));
  EXPECT_TRUE(fails_with(set_locked(a(), max, p.id, true), error_code::forbidden));
  EXPECT_TRUE(fails_with(set_pinned(a(), eve, p.id, true), error_code::not_found));
  auto locked = set_locked(a(), ana, p.id, true);
  ASSERT_TRUE(locked.ok());
  EXPECT_TRUE(locked->locked_at.has_value());
  EXPECT_TRUE(fails_with(create_comment(a(), max, p.id, {"encore?", std::nullopt}), post_locked));
  EXPECT_TRUE(list_comments(a(), max, p.id)->comments.empty()) << "the refusal wrote nothing";
  EXPECT_TRUE(create_comment(a(), ana, p.id, {"Le mot de la fin", std::nullopt}).ok())
      << "a host still may";
  ASSERT_TRUE(set_locked(a(), ana, p.id, false).ok());
  EXPECT_TRUE(create_comment(a(), max, p.id, {"Rouvert", std::nullopt}).ok());
}

TEST_F(Board, EveryChangeIsAnEventLiveAndReplayed) {
  const auto from = t.db->read([&](db::session& s) {
    return s.query_one("SELECT last_event_pos FROM communities WHERE id = $1", community_id)
        ->integer(0);
  });
  auto sub = std::make_shared<testing::recording_subscriber>();
  t.hub.attach(sub, {max.account_id}, {community_id});
  auto p = posted(bea, "Affiche", "Le show");
  auto c = commented(ana, p.id, "Bravo");
  ASSERT_TRUE(set_pinned(a(), ana, p.id, true).ok());
  ASSERT_TRUE(set_pinned(a(), ana, p.id, true).ok());  // already pinned: no event
  ASSERT_TRUE(set_locked(a(), ana, p.id, true).ok());
  std::vector<std::string> live;
  for (const auto& text : sub->texts()) live.push_back(json::parse(text).at("type"));
  EXPECT_EQ(live, (std::vector<std::string>{"board.post.created", "board.comment.created",
                                            "board.post.changed", "board.post.changed"}));
  const auto created = json::parse(sub->texts()[1]);
  EXPECT_EQ(created["comment"]["id"], c.id);
  EXPECT_EQ(created["post"]["comment_count"], 1);
  EXPECT_FALSE(created["post"].contains("new_comments")) << "no reader's own field in an event";

  // A client offline across it all gets the same events, with the post as it is now.
  auto replayed = resume(max, from);
  std::vector<std::string> types;
  for (const auto& f : replayed) types.push_back(f["type"]);
  EXPECT_EQ(types,
            (std::vector<std::string>{"board.post.created", "board.comment.created",
                                      "board.post.changed", "board.post.changed", "resumed"}));
  EXPECT_EQ(replayed[0]["post"]["locked"], true);
  EXPECT_EQ(replayed[0]["post"]["pinned"], true);
  // Someone outside the community gets nothing of it.
  auto outsider = std::make_shared<testing::recording_subscriber>();
  t.hub.attach(outsider, {eve.account_id}, {});
  posted(max, "Encore une");
  EXPECT_EQ(outsider->count(), 0u);
}

TEST_F(Board, ARemovedMemberNoLongerSeesTheBoard) {
  auto p = posted(bea, "Bientôt");
  ASSERT_TRUE(communities::remove_member(a(), ana, slug, bea.account_id).ok());
  EXPECT_TRUE(fails_with(list_posts(a(), bea, board), error_code::not_found));
  EXPECT_TRUE(fails_with(list_comments(a(), bea, p.id), error_code::not_found));
  EXPECT_TRUE(fails_with(create_comment(a(), bea, p.id, {"encore là?", std::nullopt}),
                         error_code::not_found));
}

TEST_F(Board, AuthorsEditTheirOwnAndAuthorsOrHostsRemove) {
  auto p = posted(bea, "Premier jet", "Brouillon");
  EXPECT_TRUE(
      fails_with(edit_post(a(), max, p.id, {std::nullopt, "pas à moi"}), error_code::forbidden));
  EXPECT_TRUE(fails_with(edit_post(a(), ana, p.id, {std::nullopt, "l’hôte non plus"}),
                         error_code::forbidden));
  EXPECT_TRUE(fails_with(edit_post(a(), bea, p.id, {std::nullopt, "  "}), error_code::invalid_field,
                         "body", field_problem::required));
  t.clock.advance(5000);
  auto edited = edit_post(a(), bea, p.id, {"", "Version finale"});
  ASSERT_TRUE(edited.ok());
  EXPECT_FALSE(edited->title.has_value()) << "an empty title takes it away";
  EXPECT_EQ(edited->body, "Version finale");
  EXPECT_TRUE(edited->edited_at.has_value());

  auto c1 = commented(max, p.id, "Bravo");
  auto reply = commented(ana, p.id, "Merci Max", c1.id);
  EXPECT_TRUE(fails_with(edit_comment(a(), bea, c1.id, "non"), error_code::forbidden));
  ASSERT_TRUE(edit_comment(a(), max, c1.id, "Bravo!").ok());
  EXPECT_TRUE(fails_with(delete_comment(a(), bea, c1.id), error_code::forbidden));
  ASSERT_TRUE(delete_comment(a(), ana, c1.id).ok()) << "a host removes any comment";
  ASSERT_TRUE(delete_comment(a(), ana, c1.id).ok()) << "twice is harmless";
  auto page = list_comments(a(), bea, p.id);
  ASSERT_EQ(page->comments.size(), 2u) << "the removed comment keeps its place for its reply";
  EXPECT_TRUE(page->comments[0].deleted_at.has_value());
  EXPECT_EQ(to_json(page->comments[0])["body"], "");
  EXPECT_EQ(page->comments[1].id, reply.id);
  EXPECT_EQ(page->of.comment_count, 1);
  EXPECT_TRUE(fails_with(edit_comment(a(), max, c1.id, "revenu"), error_code::not_found));

  EXPECT_TRUE(fails_with(delete_post(a(), max, p.id), error_code::forbidden));
  ASSERT_TRUE(delete_post(a(), ana, p.id).ok());
  ASSERT_TRUE(delete_post(a(), bea, p.id).ok()) << "twice is harmless";
  EXPECT_TRUE(list_posts(a(), bea, board)->empty());
  EXPECT_TRUE(fails_with(list_comments(a(), bea, p.id), error_code::not_found));
  EXPECT_TRUE(
      fails_with(create_comment(a(), bea, p.id, {"encore", std::nullopt}), error_code::not_found));
  EXPECT_TRUE(fails_with(delete_post(a(), eve, p.id), error_code::not_found));
}

TEST_F(Board, MembersReactToPostsAndComments) {
  auto p = posted(bea, "Le show");
  auto c = commented(max, p.id, "J’y serai");
  auto r1 = react_to_post(a(), max, p.id, "👍", true);
  ASSERT_TRUE(r1.ok());
  t.clock.advance(1);
  ASSERT_TRUE(react_to_post(a(), ana, p.id, "👍", true).ok());
  ASSERT_TRUE(react_to_post(a(), ana, p.id, "👍", true).ok()) << "twice is one";
  auto hearts = react_to_post(a(), bea, p.id, "❤", true);
  ASSERT_TRUE(hearts.ok());
  ASSERT_EQ(hearts->reactions.size(), 2u);
  EXPECT_EQ(hearts->reactions[0].emoji, "👍");
  EXPECT_EQ(hearts->reactions[0].account_ids,
            (std::vector<std::int64_t>{max.account_id, ana.account_id}));
  EXPECT_EQ(hearts->reactions[1].emoji, "❤️") << "stored fully qualified";
  EXPECT_EQ(listed(max, p.id).reactions.size(), 2u);
  auto back = react_to_post(a(), max, p.id, "👍", false);
  EXPECT_EQ(back->reactions[0].account_ids, (std::vector<std::int64_t>{ana.account_id}));
  EXPECT_TRUE(fails_with(react_to_post(a(), max, p.id, "pas un emoji", true),
                         error_code::invalid_field, "emoji"));
  EXPECT_TRUE(fails_with(react_to_post(a(), eve, p.id, "👍", true), error_code::not_found));

  auto on_comment = react_to_comment(a(), bea, c.id, "🎸", true);
  ASSERT_TRUE(on_comment.ok());
  ASSERT_EQ(on_comment->reactions.size(), 1u);
  EXPECT_EQ(list_comments(a(), ana, p.id)->comments[0].reactions[0].emoji, "🎸");
  EXPECT_TRUE(fails_with(react_to_comment(a(), eve, c.id, "🎸", true), error_code::not_found));
  // Bounded per member, as in chat.
  const char* many[] = {"😀", "😁", "😂", "🤣", "😃",    "😄", "😅", "😆",    "😉", "😊",
                        "😋", "😎", "😍", "😘",    "🥰", "😗", "😙", "🥲", "😚", "🙂"};
  for (const char* e : many) ASSERT_TRUE(react_to_comment(a(), max, c.id, e, true).ok()) << e;
  EXPECT_TRUE(
      fails_with(react_to_comment(a(), max, c.id, "🤗", true), error_code::limit_reached));
}

TEST_F(Board, EditsRemovalsAndReactionsAreEventsToo) {
  auto p = posted(bea, "Affiche");
  auto c = commented(max, p.id, "Belle");
  auto sub = std::make_shared<testing::recording_subscriber>();
  t.hub.attach(sub, {ana.account_id}, {community_id});
  ASSERT_TRUE(edit_post(a(), bea, p.id, {std::nullopt, "Affiche finale"}).ok());
  ASSERT_TRUE(react_to_comment(a(), bea, c.id, "👍", true).ok());
  ASSERT_TRUE(delete_comment(a(), max, c.id).ok());
  ASSERT_TRUE(delete_post(a(), bea, p.id).ok());
  std::vector<json> frames;
  for (const auto& text : sub->texts()) frames.push_back(json::parse(text));
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[0]["type"], "board.post.changed");
  EXPECT_EQ(frames[0]["post"]["body"], "Affiche finale");
  EXPECT_EQ(frames[1]["type"], "board.comment.changed");
  EXPECT_EQ(frames[1]["comment"]["reactions"][0]["emoji"], "👍");
  EXPECT_EQ(frames[2]["comment"]["deleted"], true);
  EXPECT_EQ(frames[2]["comment"]["body"], "");
  EXPECT_EQ(frames[2]["post"]["comment_count"], 0);
  EXPECT_EQ(frames[3]["post"]["deleted"], true);
  EXPECT_EQ(frames[3]["post"]["body"], "") << "a removed post's text goes out to no one";
}

}  // namespace
}  // namespace ps::board
