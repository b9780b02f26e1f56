// The rules of chat on a temporary SQLite with a manual clock: channels, messages and their
// sequence numbers, threads, edits and deletions, reactions, history, read markers, events.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chat/errors.hpp"
#include "chat/service.hpp"
#include "communities/service.hpp"
#include "core/text.hpp"
#include "invitations/service.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"

namespace ps::chat {
namespace {

using ps::testing::fails_with;

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<std::int64_t> seqs(const std::vector<message>& messages) {
  std::vector<std::int64_t> out;
  for (const auto& m : messages) out.push_back(m.seq);
  return out;
}

std::vector<std::string> types_of(const testing::recording_subscriber& sub) {
  std::vector<std::string> out;
  for (const auto& text : sub.texts())
    out.push_back(nlohmann::json::parse(text).at("type").get<std::string>());
  return out;
}

// Records, for every event it is sent, the channel's last_seq as another connection reads it
// at that moment: an event sent before its commit would see the old value.
class probing_subscriber final : public realtime::subscriber {
 public:
  probing_subscriber(db::database& db, std::int64_t channel_id)
      : db_(db), channel_id_(channel_id) {}
  void send(realtime::frame_ptr frame) override {
    const auto seen = db_.read([&](db::session& s) {
      return s.query_one("SELECT last_seq FROM channels WHERE id = $1", channel_id_)->integer(0);
    });
    std::lock_guard lock(mutex_);
    seen_.push_back({nlohmann::json::parse(frame->text), seen});
  }
  void end(int, bool) override {}
  std::vector<std::pair<nlohmann::json, std::int64_t>> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  db::database& db_;
  std::int64_t channel_id_;
  mutable std::mutex mutex_;
  std::vector<std::pair<nlohmann::json, std::int64_t>> seen_;
};

class ChatService : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");    // the owner
  caller hugo = t.person("Hugo");  // a host
  caller bea = t.person("Bea");    // a member
  caller max = t.person("Max");    // another member
  caller eve = t.person("Eve");    // not a member
  std::string slug = t.community(ana);
  std::int64_t general = 0;

  void SetUp() override {
    for (const caller* who : {&hugo, &bea, &max}) {
      auto inv = invitations::create_invitation(a(), ana, slug, {});
      ASSERT_TRUE(inv.ok());
      ASSERT_TRUE(invitations::accept_invitation(a(), *who, inv->code).ok());
    }
    ASSERT_TRUE(communities::change_role(a(), ana, slug, hugo.account_id, "host").ok());
    auto c = create_channel(a(), ana, slug, "général", "chat");
    ASSERT_TRUE(c.ok());
    general = c->id;
  }

  std::int64_t community_id() { return communities::access_community(a(), ana, slug)->place.id; }

  std::int64_t new_channel(const std::string& name) {
    auto c = create_channel(a(), ana, slug, name, "chat");
    if (!c) throw std::runtime_error("create_channel");
    return c->id;
  }

  result<message> post(const caller& who, std::int64_t channel_id, const std::string& body,
                       std::optional<std::int64_t> parent = std::nullopt,
                       std::optional<std::string> client_id = std::nullopt) {
    return post_message(a(), who, channel_id, new_message{body, parent, std::move(client_id)});
  }

  message posted(const caller& who, std::int64_t channel_id, const std::string& body,
                 std::optional<std::int64_t> parent = std::nullopt) {
    auto m = post(who, channel_id, body, parent);
    if (!m) throw std::runtime_error("post_message: " + std::string(code_name(m.error())));
    return *m;
  }

  // The channel as `who` sees it in the list: with their marker and unread count.
  channel seen_by(const caller& who, std::int64_t channel_id) {
    auto all = list_channels(a(), who, slug);
    if (!all) throw std::runtime_error("list_channels");
    for (const auto& c : *all)
      if (c.id == channel_id) return c;
    throw std::runtime_error("no such channel");
  }

  std::vector<message> all_messages(const caller& who, std::int64_t channel_id) {
    auto page = history(a(), who, channel_id, page_request{std::nullopt, std::nullopt, max_page});
    if (!page) throw std::runtime_error("history");
    return *page;
  }

  std::shared_ptr<testing::recording_subscriber> listen(const caller& who) {
    auto sub = std::make_shared<testing::recording_subscriber>();
    t.hub.attach(sub, {who.account_id}, {community_id()});
    return sub;
  }
};

// --- channels ---

TEST_F(ChatService, HostsCreateChatChannels) {
  auto c = create_channel(a(), hugo, slug, "  annonces  ", "chat");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name, "annonces");
  EXPECT_EQ(c->kind, "chat");
  EXPECT_EQ(c->last_seq, 0);
  EXPECT_FALSE(c->archived_at.has_value());
  EXPECT_EQ(c->community_id, community_id());

  EXPECT_TRUE(fails_with(create_channel(a(), bea, slug, "à moi", "chat"), error_code::forbidden));
  EXPECT_TRUE(fails_with(create_channel(a(), ana, slug, "vocal", "voice"),
                         error_code::invalid_field, "kind"));
  EXPECT_TRUE(
      fails_with(create_channel(a(), ana, slug, "vocal", ""), error_code::invalid_field, "kind"));
  EXPECT_TRUE(
      fails_with(create_channel(a(), ana, slug, "  ", "chat"), error_code::invalid_field, "name"));
  EXPECT_TRUE(fails_with(create_channel(a(), ana, slug, std::string(81, 'c'), "chat"),
                         error_code::invalid_field, "name"));

  auto listed = list_channels(a(), bea, slug);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "général");
  EXPECT_EQ((*listed)[1].name, "annonces");
}

// --- posting ---

TEST_F(ChatService, SequenceNumbersCountPerChannel) {
  const std::int64_t other = new_channel("autre");
  EXPECT_EQ(posted(bea, general, "un").seq, 1);
  EXPECT_EQ(posted(ana, general, "deux").seq, 2);
  EXPECT_EQ(posted(bea, other, "premier ailleurs").seq, 1);
  EXPECT_EQ(posted(bea, general, "trois").seq, 3);
  EXPECT_EQ(posted(max, other, "second ailleurs").seq, 2);
  EXPECT_EQ(seen_by(bea, general).last_seq, 3);
  EXPECT_EQ(seen_by(bea, other).last_seq, 2);
  EXPECT_EQ(seqs(all_messages(bea, general)), (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(ChatService, PostedMessageIsTrimmedAndRendered) {
  t.clock.advance(5000);
  auto m = post(bea, general, "  **salut** tout le monde\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->body, "**salut** tout le monde");
  EXPECT_EQ(m->html, "<p><strong>salut</strong> tout le monde</p>\n");
  EXPECT_EQ(m->author_id, bea.account_id);
  EXPECT_EQ(m->author_name, "Bea");
  EXPECT_EQ(m->channel_id, general);
  EXPECT_EQ(m->created_at, testing::test_epoch + 5000);
  EXPECT_FALSE(m->parent_id.has_value());
  EXPECT_FALSE(m->edited_at.has_value());
  EXPECT_FALSE(m->deleted_at.has_value());
  auto stored = all_messages(max, general);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].id, m->id);
  EXPECT_EQ(stored[0].html, m->html);
}

TEST_F(ChatService, BodyIsRequiredAndAtMost4000CodePoints) {
  EXPECT_TRUE(fails_with(post(bea, general, ""), error_code::invalid_field, "body",
                         field_problem::required));
  EXPECT_TRUE(fails_with(post(bea, general, " \n\t  "), error_code::invalid_field, "body",
                         field_problem::required));

  auto accented = post(bea, general, repeat("é", 4000));  // 8,000 bytes
  ASSERT_TRUE(accented.ok());
  EXPECT_EQ(text::utf8_length(accented->body), 4000u);
  EXPECT_TRUE(post(bea, general, repeat("🙂", 3999) + "a").ok());       // four-byte code points
  EXPECT_TRUE(post(bea, general, "  " + repeat("x", 4000) + "\n").ok());  // counted after trimming

  auto too_long = post(bea, general, repeat("é", 4001));
  ASSERT_TRUE(fails_with(too_long, error_code::invalid_field, "body", field_problem::too_long));
  EXPECT_EQ(too_long.error().limit, 4000);
  EXPECT_TRUE(fails_with(post(bea, general, repeat("x", 4001)), error_code::invalid_field, "body"));
  EXPECT_EQ(seen_by(bea, general).last_seq, 3);
}

TEST_F(ChatService, RetriedClientIdReturnsTheFirstMessage) {
  auto sub = listen(ana);
  auto first = post(bea, general, "une fois", std::nullopt, std::string("c-1"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->client_id, "c-1");
  auto retry = post(bea, general, "une fois", std::nullopt, std::string("c-1"));
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->id, first->id);
  EXPECT_EQ(retry->seq, 1);
  EXPECT_EQ(seen_by(bea, general).last_seq, 1);
  EXPECT_EQ(all_messages(bea, general).size(), 1u);
  EXPECT_EQ(types_of(*sub), (std::vector<std::string>{"message.created"}));

  // The same client_id from another author, or in another channel, is another message.
  auto from_max = post(max, general, "une fois", std::nullopt, std::string("c-1"));
  ASSERT_TRUE(from_max.ok());
  EXPECT_NE(from_max->id, first->id);
  EXPECT_EQ(from_max->seq, 2);
  const std::int64_t other = new_channel("autre");
  auto elsewhere = post(bea, other, "une fois", std::nullopt, std::string("c-1"));
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_NE(elsewhere->id, first->id);

  EXPECT_TRUE(fails_with(post(bea, general, "x", std::nullopt, std::string("")),
                         error_code::invalid_field, "client_id"));
  EXPECT_TRUE(fails_with(post(bea, general, "x", std::nullopt, std::string(65, 'c')),
                         error_code::invalid_field, "client_id"));
  EXPECT_TRUE(post(bea, general, "x", std::nullopt, std::string(64, 'c')).ok());
}

// --- threads ---

TEST_F(ChatService, RepliesGoToTopLevelMessagesOfTheSameChannel) {
  const message parent = posted(ana, general, "Qui vient samedi ?");
  const message reply = posted(bea, general, "Moi !", parent.id);
  EXPECT_EQ(reply.parent_id, parent.id);
  EXPECT_EQ(reply.seq, 2);
  posted(max, general, "Moi aussi", parent.id);

  EXPECT_TRUE(fails_with(post(bea, general, "réponse à une réponse", reply.id),
                         error_code::invalid_field, "parent_id"));
  const std::int64_t other = new_channel("autre");
  EXPECT_TRUE(
      fails_with(post(bea, other, "ailleurs", parent.id), error_code::invalid_field, "parent_id"));
  EXPECT_TRUE(
      fails_with(post(bea, general, "inconnu", 999999), error_code::invalid_field, "parent_id"));
  EXPECT_EQ(seen_by(bea, general).last_seq, 3);

  auto th = thread_of(a(), max, parent.id);
  ASSERT_TRUE(th.ok());
  EXPECT_EQ(th->parent.id, parent.id);
  EXPECT_EQ(th->parent.reply_count, 2);
  ASSERT_EQ(th->replies.size(), 2u);
  EXPECT_EQ(th->replies[0].body, "Moi !");
  EXPECT_EQ(th->replies[1].body, "Moi aussi");
  // Replies are part of the channel's history too.
  EXPECT_EQ(seqs(all_messages(bea, general)), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_TRUE(fails_with(thread_of(a(), bea, 999999), error_code::not_found));
}

// --- editing and deleting ---

TEST_F(ChatService, OnlyTheAuthorEdits) {
  auto sub = listen(max);
  const message m = posted(bea, general, "brouillon");
  t.clock.advance(60000);
  EXPECT_TRUE(fails_with(edit_message(a(), max, m.id, "pas à moi"), error_code::forbidden));
  EXPECT_TRUE(fails_with(edit_message(a(), ana, m.id, "même l'owner"), error_code::forbidden));
  EXPECT_TRUE(fails_with(edit_message(a(), bea, m.id, "  "), error_code::invalid_field, "body"));

  auto edited = edit_message(a(), bea, m.id, " *final* ");
  ASSERT_TRUE(edited.ok());
  EXPECT_EQ(edited->body, "*final*");
  EXPECT_EQ(edited->html, "<p><em>final</em></p>\n");
  EXPECT_EQ(edited->edited_at, testing::test_epoch + 60000);
  EXPECT_EQ(edited->seq, m.seq);
  EXPECT_EQ(all_messages(max, general).at(0).body, "*final*");

  EXPECT_EQ(types_of(*sub), (std::vector<std::string>{"message.created", "message.edited"}));
  auto event = nlohmann::json::parse(sub->texts().at(1));
  EXPECT_EQ(event.at("channel_id"), general);
  EXPECT_EQ(event.at("seq"), m.seq);
  EXPECT_EQ(event.at("message").at("body"), "*final*");
}

TEST_F(ChatService, AuthorOrHostDeletesAndTheSeqStays) {
  const message by_bea = posted(bea, general, "un");
  const message by_max = posted(max, general, "deux");
  const message third = posted(bea, general, "trois");
  ASSERT_TRUE(react(a(), ana, by_max.id, "👍", true).ok());

  EXPECT_TRUE(fails_with(delete_message(a(), max, by_bea.id), error_code::forbidden));
  EXPECT_TRUE(delete_message(a(), bea, by_bea.id).ok());
  EXPECT_TRUE(delete_message(a(), hugo, by_max.id).ok());
  EXPECT_TRUE(delete_message(a(), bea, by_bea.id).ok());  // twice is harmless

  auto page = all_messages(max, general);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(seqs(page), (std::vector<std::int64_t>{1, 2, 3}));
  for (int i : {0, 1}) {
    EXPECT_TRUE(page[i].deleted_at.has_value());
    EXPECT_EQ(page[i].body, "");
    EXPECT_EQ(page[i].html, "");
    EXPECT_TRUE(page[i].reactions.empty());
    EXPECT_EQ(nlohmann::json::parse(to_json_text(page[i])).at("deleted"), true);
  }
  EXPECT_EQ(page[2].id, third.id);
  EXPECT_FALSE(page[2].deleted_at.has_value());
  EXPECT_EQ(page[2].body, "trois");

  // A deleted message can no longer be edited, reacted to or replied to.
  EXPECT_TRUE(fails_with(edit_message(a(), bea, by_bea.id, "retour"), error_code::not_found));
  EXPECT_TRUE(fails_with(react(a(), bea, by_bea.id, "👍", true), error_code::not_found));
  EXPECT_TRUE(
      fails_with(post(bea, general, "réponse", by_bea.id), error_code::invalid_field, "parent_id"));
}

// --- reactions ---

TEST_F(ChatService, ReactionsAreIdempotentAndRemovable) {
  auto sub = listen(max);
  const message m = posted(max, general, "bonne nouvelle");
  auto once = react(a(), bea, m.id, "👍", true);
  ASSERT_TRUE(once.ok());
  auto twice = react(a(), bea, m.id, "👍", true);
  ASSERT_TRUE(twice.ok());
  ASSERT_EQ(twice->reactions.size(), 1u);
  EXPECT_EQ(twice->reactions[0].emoji, "👍");
  EXPECT_EQ(twice->reactions[0].account_ids, (std::vector<std::int64_t>{bea.account_id}));

  t.clock.advance(1000);
  ASSERT_TRUE(react(a(), ana, m.id, "👍", true).ok());
  auto party = react(a(), ana, m.id, "🎉", true);
  ASSERT_TRUE(party.ok());
  ASSERT_EQ(party->reactions.size(), 2u);
  EXPECT_EQ(party->reactions[0].account_ids,
            (std::vector<std::int64_t>{bea.account_id, ana.account_id}));
  EXPECT_EQ(party->reactions[1].emoji, "🎉");

  auto removed = react(a(), bea, m.id, "👍", false);
  ASSERT_TRUE(removed.ok());
  ASSERT_EQ(removed->reactions.size(), 2u);
  EXPECT_EQ(removed->reactions[0].account_ids, (std::vector<std::int64_t>{ana.account_id}));
  ASSERT_TRUE(react(a(), bea, m.id, "👍", false).ok());  // removing again changes nothing
  EXPECT_EQ(all_messages(bea, general).at(0).reactions.size(), 2u);

  EXPECT_EQ(types_of(*sub),
            (std::vector<std::string>{"message.created", "reaction.added", "reaction.added",
                                      "reaction.added", "reaction.removed"}));
}

TEST_F(ChatService, OnlyOneEmojiIsAReaction) {
  auto sub = listen(max);
  const message m = posted(max, general, "bonne nouvelle");
  for (const std::string& bad :
       std::vector<std::string>{"", " ", "👍 👍", "👍👍", repeat("👍", 8), ":+1:", "+1", "a",
                                std::string(33, 'a'), "\xff", "\u202E", "👍\u202E"}) {
    EXPECT_TRUE(fails_with(react(a(), bea, m.id, bad, true), error_code::invalid_field, "emoji",
                           field_problem::invalid_format))
        << bad;
    EXPECT_TRUE(fails_with(react(a(), bea, m.id, bad, false), error_code::invalid_field, "emoji"))
        << bad;
  }
  EXPECT_TRUE(all_messages(bea, general).at(0).reactions.empty());
  EXPECT_EQ(types_of(*sub), (std::vector<std::string>{"message.created"}));
  auto kiss =
      react(a(), bea, m.id, "👩🏻‍❤️‍💋‍👨🏼", true);  // 35 bytes: one emoji
  ASSERT_TRUE(kiss.ok());
  EXPECT_EQ(kiss->reactions.at(0).emoji, "👩🏻‍❤️‍💋‍👨🏼");
}

TEST_F(ChatService, AnUnqualifiedEmojiIsStoredFullyQualified) {
  auto sub = listen(max);
  const message m = posted(max, general, "bonne nouvelle");
  auto heart = react(a(), bea, m.id, "\u2764", true);  // ❤ from an older keyboard
  ASSERT_TRUE(heart.ok());
  ASSERT_EQ(heart->reactions.size(), 1u);
  EXPECT_EQ(heart->reactions[0].emoji, "\u2764\uFE0F");
  auto again = react(a(), bea, m.id, "\u2764\uFE0F", true);  // the same reaction
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->reactions.size(), 1u);
  auto removed = react(a(), bea, m.id, "\u2764", false);
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(removed->reactions.empty());
  const auto events = sub->texts();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(events[1]).at("emoji"), "\u2764\uFE0F");
  EXPECT_EQ(nlohmann::json::parse(events[2]).at("emoji"), "\u2764\uFE0F");
}

TEST_F(ChatService, AMemberPutsAtMostTwentyDistinctReactionsOnAMessage) {
  const message m = posted(max, general, "la fête");
  std::vector<std::string> faces;
  for (char32_t c = U'\U0001F600'; faces.size() < max_reactions_per_member + 1; ++c) {
    std::string e;
    text::append_utf8(e, c);
    faces.push_back(e);
  }
  for (std::size_t i = 0; i < max_reactions_per_member; ++i)
    ASSERT_TRUE(react(a(), bea, m.id, faces[i], true).ok()) << i;
  auto sub = listen(max);
  auto refused = react(a(), bea, m.id, faces.back(), true);
  ASSERT_TRUE(fails_with(refused, error_code::limit_reached));
  EXPECT_EQ(refused.error().what, "reactions");
  EXPECT_EQ(refused.error().limit, 20);
  EXPECT_TRUE(react(a(), bea, m.id, faces[0], true).ok());      // one already there: idempotent
  EXPECT_TRUE(react(a(), max, m.id, faces.back(), true).ok());  // another member is not limited
  EXPECT_TRUE(react(a(), bea, m.id, faces[0], false).ok());     // taking one back makes room
  EXPECT_TRUE(react(a(), bea, m.id, faces.back(), true).ok());
  EXPECT_TRUE(fails_with(react(a(), bea, m.id, faces[0], true), error_code::limit_reached));
  EXPECT_EQ(types_of(*sub),
            (std::vector<std::string>{"reaction.added", "reaction.removed", "reaction.added"}));
}

TEST_F(ChatService, AReactionStoredBeforeEmojiWereCheckedCanBeTakenBack) {
  const message m = posted(max, general, "ancien");
  t.db->write([&](db::transaction& tx) {
    tx.execute(
        "INSERT INTO reactions (message_id, account_id, emoji, created_at) "
        "VALUES ($1, $2, '+1', 0)",
        m.id, bea.account_id);
  });
  EXPECT_TRUE(fails_with(react(a(), bea, m.id, "+1", true), error_code::invalid_field, "emoji"));
  EXPECT_TRUE(fails_with(react(a(), max, m.id, "+1", false), error_code::invalid_field, "emoji"));
  auto removed = react(a(), bea, m.id, "+1", false);
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(removed->reactions.empty());
}

TEST_F(ChatService, NamesAndBodiesRefuseControlAndDirectionCharacters) {
  auto bad_name = create_channel(a(), ana, slug, "an\u202Enonces", "chat");
  ASSERT_TRUE(
      fails_with(bad_name, error_code::invalid_field, "name", field_problem::forbidden_characters));
  EXPECT_EQ(bad_name.error().character, U'\u202E');
  EXPECT_TRUE(fails_with(create_channel(a(), ana, slug, "a\nb", "chat"), error_code::invalid_field,
                         "name", field_problem::forbidden_characters));
  EXPECT_TRUE(fails_with(update_channel(a(), ana, general, std::string("g\x00n", 3), std::nullopt),
                         error_code::invalid_field, "name", field_problem::forbidden_characters));
  EXPECT_TRUE(fails_with(post(bea, general, "salut\u202Dtoi"), error_code::invalid_field, "body",
                         field_problem::forbidden_characters));
  EXPECT_TRUE(fails_with(post(bea, general, std::string("a\0b", 3)), error_code::invalid_field,
                         "body", field_problem::forbidden_characters));
  const message m = posted(bea, general, "ligne 1\nligne 2\tfin \u2067مرحبا\u2069");
  EXPECT_TRUE(fails_with(edit_message(a(), bea, m.id, "x\u202Ey"), error_code::invalid_field,
                         "body", field_problem::forbidden_characters));
}

// --- archived channels ---

TEST_F(ChatService, ArchivedChannelRefusesPostsEditsAndReactions) {
  const message m = posted(bea, general, "avant");
  EXPECT_TRUE(
      fails_with(update_channel(a(), bea, general, std::nullopt, true), error_code::forbidden));
  auto archived = update_channel(a(), hugo, general, std::nullopt, true);
  ASSERT_TRUE(archived.ok());
  EXPECT_TRUE(archived->archived_at.has_value());

  EXPECT_TRUE(fails_with(post(bea, general, "après"), channel_archived));
  EXPECT_TRUE(fails_with(edit_message(a(), bea, m.id, "modifié"), channel_archived));
  EXPECT_TRUE(fails_with(react(a(), bea, m.id, "👍", true), channel_archived));
  EXPECT_EQ(all_messages(bea, general).at(0).body, "avant");
  EXPECT_EQ(seen_by(bea, general).last_seq, 1);
  // Archived channels are listed last.
  new_channel("actif");
  EXPECT_EQ(list_channels(a(), bea, slug)->back().id, general);

  auto back = update_channel(a(), ana, general, std::string("général-2"), false);
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->archived_at.has_value());
  EXPECT_EQ(back->name, "général-2");
  EXPECT_EQ(posted(bea, general, "après").seq, 2);
  EXPECT_TRUE(edit_message(a(), bea, m.id, "modifié").ok());
  EXPECT_TRUE(react(a(), bea, m.id, "👍", true).ok());
}

// --- history ---

TEST_F(ChatService, HistoryPagesOldestFirst) {
  for (int i = 1; i <= 10; ++i) posted(i % 2 ? bea : max, general, "message " + std::to_string(i));
  using v = std::vector<std::int64_t>;
  auto latest = history(a(), bea, general, page_request{std::nullopt, std::nullopt, 3});
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(seqs(*latest), (v{8, 9, 10}));
  EXPECT_EQ(latest->back().body, "message 10");
  EXPECT_EQ(seqs(*history(a(), bea, general, page_request{8, std::nullopt, 3})), (v{5, 6, 7}));
  EXPECT_EQ(seqs(*history(a(), bea, general, page_request{3, std::nullopt, 50})), (v{1, 2}));
  EXPECT_EQ(seqs(*history(a(), bea, general, page_request{1, std::nullopt, 50})), v{});
  EXPECT_EQ(seqs(*history(a(), bea, general, page_request{std::nullopt, 7, 2})), (v{8, 9}));
  EXPECT_EQ(seqs(*history(a(), bea, general, page_request{std::nullopt, 0, 3})), (v{1, 2, 3}));
  EXPECT_EQ(seqs(*history(a(), bea, general, page_request{std::nullopt, 10, 3})), v{});
  EXPECT_EQ(seqs(*history(a(), bea, general, page_request{std::nullopt, std::nullopt, 1})),
            (v{10}));
  EXPECT_EQ(history(a(), bea, general, page_request{std::nullopt, std::nullopt, 200})->size(), 10u);
  EXPECT_EQ(seqs(*missed_messages(a(), bea, general, 8, 50)), (v{9, 10}));

  EXPECT_TRUE(fails_with(history(a(), bea, general, page_request{std::nullopt, std::nullopt, 0}),
                         error_code::invalid_field, "limit"));
  EXPECT_TRUE(fails_with(history(a(), bea, general, page_request{std::nullopt, std::nullopt, 201}),
                         error_code::invalid_field, "limit"));
  EXPECT_TRUE(fails_with(history(a(), bea, general, page_request{std::nullopt, std::nullopt, -1}),
                         error_code::invalid_field, "limit"));
  EXPECT_TRUE(fails_with(history(a(), bea, general, page_request{5, 2, 10}),
                         error_code::invalid_field, "after"));
  EXPECT_TRUE(fails_with(history(a(), bea, general, page_request{-1, std::nullopt, 10}),
                         error_code::invalid_field, "before"));
}

// --- read markers and unread counts ---

TEST_F(ChatService, UnreadCountsOthersMessagesAfterTheMarker) {
  EXPECT_EQ(seen_by(bea, general).unread, 0);
  posted(ana, general, "un");
  posted(ana, general, "deux");
  posted(max, general, "trois");
  channel for_bea = seen_by(bea, general);
  EXPECT_EQ(for_bea.unread, 3);
  EXPECT_EQ(for_bea.last_read_seq, 0);
  // Posting moves the author's own marker: their messages never count as unread for them.
  channel for_ana = seen_by(ana, general);
  EXPECT_EQ(for_ana.last_read_seq, 2);
  EXPECT_EQ(for_ana.unread, 1);

  auto marked = mark_read(a(), bea, general, 2);
  ASSERT_TRUE(marked.ok());
  EXPECT_EQ(marked->last_read_seq, 2);
  EXPECT_EQ(marked->unread, 1);

  // Bea's own message after her marker does not count, Max's does.
  posted(bea, general, "quatre");
  posted(max, general, "cinq");
  for_bea = seen_by(bea, general);
  EXPECT_EQ(for_bea.last_read_seq, 4);
  EXPECT_EQ(for_bea.unread, 1);

  // Deleted messages are not waiting to be read.
  const message six = posted(ana, general, "six");
  EXPECT_EQ(seen_by(bea, general).unread, 2);
  EXPECT_EQ(seen_by(max, general).unread, 1);
  ASSERT_TRUE(delete_message(a(), ana, six.id).ok());
  EXPECT_EQ(seen_by(bea, general).unread, 1);
  EXPECT_EQ(seen_by(max, general).unread, 0);
}

TEST_F(ChatService, MarkReadNeverMovesBackwardsAndIsClampedToTheLastSeq) {
  for (int i = 0; i < 5; ++i) posted(ana, general, "m" + std::to_string(i));
  ASSERT_EQ(mark_read(a(), bea, general, 4)->last_read_seq, 4);
  auto back = mark_read(a(), bea, general, 2);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->last_read_seq, 4);
  EXPECT_EQ(back->unread, 1);
  auto beyond = mark_read(a(), bea, general, 1000);
  ASSERT_TRUE(beyond.ok());
  EXPECT_EQ(beyond->last_read_seq, 5);
  EXPECT_EQ(beyond->unread, 0);
  // Clamped, the marker leaves room for the next message to count as unread.
  posted(ana, general, "m5");
  EXPECT_EQ(seen_by(bea, general).unread, 1);
  EXPECT_EQ(seen_by(bea, general).last_read_seq, 5);
  EXPECT_TRUE(fails_with(mark_read(a(), bea, general, -1), error_code::invalid_field, "seq"));
}

// --- who may do what ---

TEST_F(ChatService, NonMemberGetsNotFoundEverywhere) {
  const message m = posted(bea, general, "entre nous");
  EXPECT_TRUE(fails_with(create_channel(a(), eve, slug, "à moi", "chat"), error_code::not_found));
  EXPECT_TRUE(fails_with(list_channels(a(), eve, slug), error_code::not_found));
  EXPECT_TRUE(fails_with(update_channel(a(), eve, general, std::string("pris"), std::nullopt),
                         error_code::not_found));
  EXPECT_TRUE(
      fails_with(update_channel(a(), eve, general, std::nullopt, true), error_code::not_found));
  EXPECT_TRUE(fails_with(post(eve, general, "coucou"), error_code::not_found));
  EXPECT_TRUE(fails_with(post(eve, general, "coucou", std::nullopt, std::string("c-1")),
                         error_code::not_found));
  EXPECT_TRUE(fails_with(history(a(), eve, general, page_request{}), error_code::not_found));
  EXPECT_TRUE(fails_with(missed_messages(a(), eve, general, 0, 50), error_code::not_found));
  EXPECT_TRUE(fails_with(thread_of(a(), eve, m.id), error_code::not_found));
  EXPECT_TRUE(fails_with(edit_message(a(), eve, m.id, "à moi"), error_code::not_found));
  EXPECT_TRUE(fails_with(delete_message(a(), eve, m.id), error_code::not_found));
  EXPECT_TRUE(fails_with(react(a(), eve, m.id, "👍", true), error_code::not_found));
  EXPECT_TRUE(fails_with(react(a(), eve, m.id, "👍", false), error_code::not_found));
  EXPECT_TRUE(fails_with(mark_read(a(), eve, general, 1), error_code::not_found));
  // Unknown ids look the same.
  EXPECT_TRUE(fails_with(post(bea, 999999, "coucou"), error_code::not_found));
  EXPECT_TRUE(fails_with(history(a(), bea, 999999, page_request{}), error_code::not_found));
  EXPECT_TRUE(fails_with(edit_message(a(), bea, 999999, "x"), error_code::not_found));
  // Nothing was written.
  auto page = all_messages(bea, general);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].body, "entre nous");
  EXPECT_TRUE(page[0].reactions.empty());
}

TEST_F(ChatService, RemovedMemberLosesAccessAtOnce) {
  const message m = posted(bea, general, "au revoir");
  ASSERT_TRUE(communities::remove_member(a(), ana, slug, bea.account_id).ok());
  EXPECT_TRUE(fails_with(post(bea, general, "encore"), error_code::not_found));
  EXPECT_TRUE(fails_with(history(a(), bea, general, page_request{}), error_code::not_found));
  EXPECT_TRUE(fails_with(edit_message(a(), bea, m.id, "modifié"), error_code::not_found));
  EXPECT_TRUE(fails_with(delete_message(a(), bea, m.id), error_code::not_found));
}

// --- events ---

TEST_F(ChatService, EveryWritePublishesItsEventToTheCommunity) {
  auto sub = listen(max);
  auto outsider = std::make_shared<testing::recording_subscriber>();
  t.hub.attach(outsider, {eve.account_id}, {});

  const message m = posted(bea, general, "salut");
  ASSERT_TRUE(edit_message(a(), bea, m.id, "salut !").ok());
  ASSERT_TRUE(react(a(), ana, m.id, "👋", true).ok());
  ASSERT_TRUE(react(a(), ana, m.id, "👋", false).ok());
  ASSERT_TRUE(delete_message(a(), bea, m.id).ok());
  const std::int64_t other = new_channel("autre");
  ASSERT_TRUE(update_channel(a(), ana, other, std::string("renommé"), std::nullopt).ok());
  ASSERT_TRUE(update_channel(a(), ana, other, std::nullopt, true).ok());
  ASSERT_TRUE(update_channel(a(), ana, other, std::nullopt, false).ok());

  EXPECT_EQ(types_of(*sub), (std::vector<std::string>{
                                "message.created", "message.edited", "reaction.added",
                                "reaction.removed", "message.deleted", "channel.created",
                                "channel.renamed", "channel.archived", "channel.unarchived"}));
  auto created = nlohmann::json::parse(sub->texts().at(0));
  EXPECT_EQ(created.at("channel_id"), general);
  EXPECT_EQ(created.at("seq"), 1);
  EXPECT_EQ(created.at("message").at("id"), m.id);
  EXPECT_EQ(created.at("message").at("body"), "salut");
  auto deleted = nlohmann::json::parse(sub->texts().at(4));
  EXPECT_EQ(deleted.at("message_id"), m.id);
  EXPECT_EQ(deleted.at("seq"), 1);
  EXPECT_EQ(outsider->count(), 0u);
}

TEST_F(ChatService, RefusedWritesPublishNothing) {
  const message m = posted(bea, general, "salut");
  auto sub = listen(max);
  EXPECT_FALSE(post(bea, general, "").ok());
  EXPECT_FALSE(post(bea, general, "x", 999999).ok());
  EXPECT_FALSE(edit_message(a(), max, m.id, "à moi").ok());
  EXPECT_FALSE(delete_message(a(), max, m.id).ok());
  EXPECT_FALSE(create_channel(a(), bea, slug, "à moi", "chat").ok());
  ASSERT_TRUE(react(a(), bea, m.id, "👍", true).ok());
  ASSERT_TRUE(react(a(), bea, m.id, "👍", true).ok());  // no change, no second event
  EXPECT_EQ(types_of(*sub), (std::vector<std::string>{"reaction.added"}));
}

TEST_F(ChatService, EventsAreSentAfterTheCommit) {
  auto probe = std::make_shared<probing_subscriber>(t.db.operator*(), general);
  t.hub.attach(probe, {max.account_id}, {community_id()});
  posted(bea, general, "un");
  posted(ana, general, "deux");
  auto seen = probe->seen();
  ASSERT_EQ(seen.size(), 2u);
  // When each event arrived, another connection already saw the message it announces.
  EXPECT_EQ(seen[0].first.at("seq"), 1);
  EXPECT_EQ(seen[0].second, 1);
  EXPECT_EQ(seen[1].first.at("seq"), 2);
  EXPECT_EQ(seen[1].second, 2);
}

TEST_F(ChatService, ReadMarkerGoesOnlyToTheReadersConnections) {
  posted(ana, general, "un");
  auto bea_sub = listen(bea);
  auto max_sub = listen(max);
  ASSERT_TRUE(mark_read(a(), bea, general, 1).ok());
  ASSERT_EQ(types_of(*bea_sub), (std::vector<std::string>{"channel.read"}));
  auto event = nlohmann::json::parse(bea_sub->texts().at(0));
  EXPECT_EQ(event.at("channel_id"), general);
  EXPECT_EQ(event.at("last_read_seq"), 1);
  EXPECT_EQ(max_sub->count(), 0u);
}

}  // namespace
}  // namespace ps::chat
