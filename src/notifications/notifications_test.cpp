// Notifications on a temporary database (SQLite, or PostgreSQL when the run has one): who is told
// of what (a mention, a reply in their thread, a comment on their post, a broadcast, a direct
// message, a poll they voted in closing), each person once per item, never the author, each
// room's level, what deleting and leaving take away, and reading them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "board/service.hpp"
#include "broadcast/service.hpp"
#include "chat/service.hpp"
#include "communities/service.hpp"
#include "conversations/service.hpp"
#include "invitations/service.hpp"
#include "notifications/model.hpp"
#include "notifications/service.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"

namespace ps::notifications {
namespace {

using ps::testing::fails_with;

TEST(NotificationExcerpts, ArePlainTextCutAtALength) {
  EXPECT_EQ(plain_excerpt("<p>Un <strong>été</strong> &amp; <span class=\"mention\" "
                          "data-account-id=\"3\">@Béa</span></p>\n<p>ensuite</p>"),
            "Un été & @Béa ensuite");
  const auto cut = plain_excerpt("<p>" + std::string(200, 'e') + "é</p>", 10);
  EXPECT_EQ(cut, std::string(10, 'e') + "…");
  EXPECT_EQ(plain_excerpt("<p>ééééé</p>", 3), "ééé…");
  // Inline tags join what they hold to its neighbours; blocks separate.
  EXPECT_EQ(plain_excerpt("<p>Allô <span class=\"mention\" data-account-id=\"2\">@Béa</span>! "
                          "Le <em>spec</em>tacle.</p><p>Jeudi<br>soir</p>"),
            "Allô @Béa! Le spectacle. Jeudi soir");
}

TEST(NotificationLevels, MentionsKeepWhatIsAddressedToTheMember) {
  EXPECT_TRUE(passes(level::mentions, for_mention));
  EXPECT_TRUE(passes(level::mentions, for_reply));
  EXPECT_FALSE(passes(level::mentions, for_direct));
  EXPECT_FALSE(passes(level::mentions, for_message));
  EXPECT_FALSE(passes(level::nothing, for_mention));
  EXPECT_TRUE(passes(level::all, for_broadcast));
  EXPECT_EQ(default_level("direct"), level::all);
  EXPECT_EQ(default_level("broadcast"), level::all);
  EXPECT_EQ(default_level("chat"), level::mentions);
}

class Notifications : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");  // the owner, a host
  caller bea = t.person("Bea");
  caller cleo = t.person("Cleo");
  std::string slug = t.community(ana);
  std::int64_t room = 0, board = 0, news = 0;

  void SetUp() override {
    auto inv = invitations::create_invitation(a(), ana, slug, {});
    ASSERT_TRUE(inv.ok());
    ASSERT_TRUE(invitations::accept_invitation(a(), bea, inv->code).ok());
    ASSERT_TRUE(invitations::accept_invitation(a(), cleo, inv->code).ok());
    room = chat::create_channel(a(), ana, slug, "général", "chat")->id;
    board = chat::create_channel(a(), ana, slug, "babillard", "board")->id;
    news = chat::create_channel(a(), ana, slug, "nouvelles", "broadcast")->id;
  }
  static std::string token(const caller& c) { return "<@" + std::to_string(c.account_id) + ">"; }
  chat::message say(const caller& who, std::int64_t channel, const std::string& body,
                    std::optional<std::int64_t> parent = std::nullopt) {
    t.clock.advance(1000);
    auto m = chat::post_message(a(), who, channel, {body, parent, {}});
    if (!m) throw std::runtime_error("post: " + std::string(code_name(m.error())));
    return *m;
  }
  // The queued path, the one the web app's posts take.
  chat::message queued(const caller& who, std::int64_t channel, const std::string& body) {
    t.clock.advance(1000);
    std::promise<result<chat::message>> out;
    chat::post_message_then(a(), who, channel, {body, {}, {}},
                            [&](result<chat::message> r) { out.set_value(std::move(r)); });
    auto m = out.get_future().get();
    if (!m) throw std::runtime_error("post: " + std::string(code_name(m.error())));
    return *m;
  }
  listing bell(const caller& who) {
    auto l = list(a(), who, std::nullopt, default_page);
    EXPECT_TRUE(l.ok());
    return l.ok() ? *l : listing{};
  }
  // kind:item_id of each, newest first.
  std::vector<std::string> told(const caller& who) {
    std::vector<std::string> out;
    for (const auto& n : bell(who).items) out.push_back(n.kind + ":" + std::to_string(n.item_id));
    return out;
  }
  using list_of = std::vector<std::string>;
  static std::string of(std::string_view kind, std::int64_t id) {
    return std::string(kind) + ":" + std::to_string(id);
  }
};

TEST_F(Notifications, AMentionTellsWhoIsMentionedAndNotTheAuthor) {
  const auto m = say(bea, room, "Tu viens, " + token(cleo) + " ?");
  const auto l = bell(cleo);
  ASSERT_EQ(l.items.size(), 1u);
  const auto& n = l.items[0];
  EXPECT_EQ(n.kind, for_mention);
  EXPECT_EQ(n.item_kind, "message");
  EXPECT_EQ(n.item_id, m.id);
  EXPECT_EQ(n.seq, m.seq);
  EXPECT_EQ(n.channel_id, room);
  EXPECT_EQ(n.channel_name, "général");
  EXPECT_EQ(n.community_slug, slug);
  EXPECT_EQ(n.actor_id, bea.account_id);
  EXPECT_EQ(n.actor_name, "Bea");
  EXPECT_EQ(n.excerpt, "Tu viens, @Cleo ?");
  EXPECT_FALSE(n.read_at.has_value());
  EXPECT_EQ(l.unread, 1);
  EXPECT_TRUE(told(bea).empty());
  EXPECT_TRUE(told(ana).empty());  // a plain room tells only of what is addressed to you
  auto j = nlohmann::json::parse(to_json(n));
  EXPECT_EQ(j["item"]["seq"], m.seq);
  EXPECT_EQ(j["actor"]["display_name"], "Bea");
}

TEST_F(Notifications, ThreadsCommentsBroadcastsAndConversations) {
  const auto first = say(ana, room, "Qui a la clé ?");
  say(bea, room, "Pas moi", first.id);
  const auto reply = say(cleo, room, "Moi", first.id);
  EXPECT_EQ(told(ana), (list_of{of(for_reply, reply.id), of(for_reply, reply.id - 1)}));
  EXPECT_EQ(told(bea), (list_of{of(for_reply, reply.id)}));
  EXPECT_TRUE(told(cleo).empty());

  auto post = board::create_post(a(), bea, board, {"Perdu", "un parapluie"});
  ASSERT_TRUE(post.ok());
  auto comment = board::create_comment(a(), cleo, post->id, {"Je l'ai", std::nullopt});
  ASSERT_TRUE(comment.ok());
  auto answer = board::create_comment(a(), ana, post->id, {"Merci Cleo", comment->id});
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(told(bea)[0], of(for_comment, answer->id));
  EXPECT_EQ(told(bea)[1], of(for_comment, comment->id));
  EXPECT_EQ(told(cleo)[0], of(for_comment, answer->id));

  const auto news_item = queued(ana, news, "Spectacle samedi");
  EXPECT_EQ(told(cleo)[0], of(for_broadcast, news_item.id));
  EXPECT_EQ(told(bea)[0], of(for_broadcast, news_item.id));
  EXPECT_NE(told(ana).front(), of(for_broadcast, news_item.id));  // not the author
  // Muted: nothing from that broadcast.
  ASSERT_TRUE(broadcast::set_muted(a(), cleo, news, true).ok());
  const auto second = queued(ana, news, "Et dimanche");
  EXPECT_NE(told(cleo).front(), of(for_broadcast, second.id));
  EXPECT_EQ(told(bea).front(), of(for_broadcast, second.id));

  auto dm = conversations::start_conversation(a(), bea, slug, {cleo.account_id}, std::nullopt);
  ASSERT_TRUE(dm.ok());
  const auto whisper = queued(bea, dm->c.room.id, "psst");
  EXPECT_EQ(told(cleo).front(), of(for_direct, whisper.id));
  EXPECT_NE(told(ana).front(), of(for_direct, whisper.id));  // not a participant
}

TEST_F(Notifications, EachRoomsLevelDecides) {
  // A chat room tells of mentions by default; "all" of every message, on the queued path too.
  queued(bea, room, "bonjour");
  EXPECT_TRUE(told(cleo).empty());
  ASSERT_TRUE(choose_level(a(), cleo, room, level::all).ok());
  const auto hello = queued(bea, room, "re-bonjour");
  EXPECT_EQ(told(cleo), (list_of{of(for_message, hello.id)}));

  // "nothing": not even a mention.
  ASSERT_TRUE(choose_level(a(), cleo, room, level::nothing).ok());
  say(bea, room, token(cleo) + " ?");
  EXPECT_EQ(told(cleo).size(), 1u);

  // A conversation at "mentions" keeps quiet about its messages.
  auto dm = conversations::start_conversation(a(), bea, slug, {cleo.account_id}, std::nullopt);
  ASSERT_TRUE(dm.ok());
  ASSERT_TRUE(choose_level(a(), cleo, dm->c.room.id, level::mentions).ok());
  queued(bea, dm->c.room.id, "psst");
  EXPECT_EQ(told(cleo).size(), 1u);
  auto l = level_in(a(), cleo, dm->c.room.id);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->chosen, level::mentions);
  EXPECT_EQ(l->usual, level::all);
  EXPECT_FALSE(l->is_default);
  ASSERT_TRUE(choose_level(a(), cleo, dm->c.room.id, std::nullopt).ok());
  EXPECT_TRUE(level_in(a(), cleo, dm->c.room.id)->is_default);
  // Only rooms one may see.
  EXPECT_TRUE(fails_with(level_in(a(), ana, dm->c.room.id), error_code::not_found));
  EXPECT_TRUE(fails_with(choose_level(a(), ana, dm->c.room.id, level::all), error_code::not_found));
}

TEST_F(Notifications, OncePerItemWhateverItDoes) {
  const auto first = say(cleo, room, "question");
  const auto reply = say(bea, room, "réponse pour " + token(cleo), first.id);
  EXPECT_EQ(told(cleo), (list_of{of(for_mention, reply.id)}));  // a reply and a mention: one
}

TEST_F(Notifications, DeletingAndLeavingTakeThemAway) {
  const auto m = say(bea, room, token(cleo) + " regarde");
  ASSERT_EQ(told(cleo).size(), 1u);
  ASSERT_TRUE(chat::delete_message(a(), bea, m.id).ok());
  EXPECT_TRUE(told(cleo).empty());
  EXPECT_EQ(bell(cleo).unread, 0);

  say(bea, room, token(cleo) + " encore");
  ASSERT_EQ(bell(cleo).unread, 1);
  ASSERT_TRUE(communities::remove_member(a(), ana, slug, cleo.account_id).ok());
  EXPECT_TRUE(told(cleo).empty());
  EXPECT_EQ(bell(cleo).unread, 0);
}

TEST_F(Notifications, ReadOneOrAll) {
  const auto m1 = say(bea, room, token(cleo) + " un");
  say(bea, room, token(cleo) + " deux");
  say(bea, room, token(cleo) + " trois");
  const auto l = bell(cleo);
  ASSERT_EQ(l.unread, 3);
  std::int64_t first_id = 0;
  for (const auto& n : l.items)
    if (n.item_id == m1.id) first_id = n.id;
  auto after_one = mark_read(a(), cleo, std::vector<std::int64_t>{first_id});
  ASSERT_TRUE(after_one.ok());
  EXPECT_EQ(*after_one, 2);
  // Someone else's ids change nothing.
  EXPECT_EQ(*mark_read(a(), bea, std::vector<std::int64_t>{l.items[0].id}), 0);
  EXPECT_EQ(bell(cleo).unread, 2);
  EXPECT_EQ(*mark_read(a(), cleo, std::nullopt), 0);
  for (const auto& n : bell(cleo).items) EXPECT_TRUE(n.read_at.has_value());
  EXPECT_TRUE(fails_with(mark_read(a(), cleo, std::vector<std::int64_t>(max_ids_per_read + 1, 1)),
                         error_code::invalid_field, "ids"));
  EXPECT_TRUE(fails_with(list(a(), cleo, std::nullopt, 0), error_code::invalid_field, "limit"));
}

TEST_F(Notifications, PagesGoBackInTime) {
  for (int i = 0; i < 5; ++i) say(bea, room, token(cleo) + " " + std::to_string(i));
  auto first = list(a(), cleo, std::nullopt, 3);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 3u);
  ASSERT_TRUE(first->next_before.has_value());
  auto rest = list(a(), cleo, first->next_before, 3);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->items.size(), 2u);
  EXPECT_FALSE(rest->next_before.has_value());
  EXPECT_LT(rest->items.front().id, first->items.back().id);
}

TEST_F(Notifications, AClosingPollTellsItsVoters) {
  broadcast::new_poll input;
  input.question = "Quel soir ?";
  input.options = {"jeudi", "vendredi"};
  input.closes_at = iso8601(t.clock.now() + 60'000);
  auto p = broadcast::create_poll(a(), ana, news, input);
  ASSERT_TRUE(p.ok()) << code_name(p.error());
  ASSERT_TRUE(broadcast::vote(a(), bea, p->p.id, {p->p.options[0].id}).ok());
  mark_read(a(), bea, std::nullopt).value();
  t.clock.advance(61'000);
  EXPECT_EQ(broadcast::announce_closed(a()), 1);
  const auto l = bell(bea);
  ASSERT_FALSE(l.items.empty());
  EXPECT_EQ(l.items[0].kind, for_poll_closed);
  EXPECT_EQ(l.items[0].item_kind, "poll");
  EXPECT_EQ(l.items[0].excerpt, "Quel soir ?");
  EXPECT_FALSE(l.items[0].actor_id.has_value());
  EXPECT_NE(told(cleo).front(), of(for_poll_closed, p->p.id));  // did not vote
}

}  // namespace
}  // namespace ps::notifications
