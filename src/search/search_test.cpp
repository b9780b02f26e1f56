// Search on a temporary database (SQLite, or PostgreSQL when the run has one): words folded for
// accents and case the same way on both engines, every kind of thing found, never a word from
// a room the caller may not see, the filters, the order, and input that is only punctuation or
// query syntax.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "board/service.hpp"
#include "chat/service.hpp"
#include "communities/service.hpp"
#include "conversations/service.hpp"
#include "files/service.hpp"
#include "invitations/service.hpp"
#include "search/errors.hpp"
#include "search/query.hpp"
#include "search/service.hpp"
#include "search/snippet.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"

namespace ps::search {
namespace {

using ps::testing::fails_with;

TEST(SearchTerms, WordsAreRunsOfLettersAndDigitsInAnyScript) {
  auto t = terms_of("  L’été à Québec, 2026!  ");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->words, (std::vector<std::string>{"L", "été", "à", "Québec", "2026"}));
  EXPECT_FALSE(t->last_is_prefix);  // "2026!": the word ended before the end
  EXPECT_EQ(fts5_match(*t), R"("L" "été" "à" "Québec" "2026")");
  EXPECT_EQ(tsquery(*t), "'L' & 'été' & 'à' & 'Québec' & '2026'");
}

TEST(SearchTerms, TheLastWordIsAPrefixWhileTyped) {
  auto typing = terms_of("spectacle ques");
  ASSERT_TRUE(typing.ok());
  EXPECT_TRUE(typing->last_is_prefix);
  EXPECT_EQ(fts5_match(*typing), R"("spectacle" "ques"*)");
  EXPECT_EQ(tsquery(*typing), "'spectacle' & 'ques':*");
  auto whole = terms_of("spectacle ques ");  // a space after it: the word is whole
  ASSERT_TRUE(whole.ok());
  EXPECT_FALSE(whole->last_is_prefix);
  auto short_word = terms_of("la");  // too short to expand
  ASSERT_TRUE(short_word.ok());
  EXPECT_FALSE(short_word->last_is_prefix);
}

TEST(SearchTerms, QuerySyntaxIsNeverSyntax) {
  for (const char* only_punctuation : {"\"", "*", "-", "\"*\" - ( ) : ^", "🎉 → ✨", "«»"})
    EXPECT_TRUE(fails_with(terms_of(only_punctuation), needs_words)) << only_punctuation;
  auto t = terms_of("\"chat\" NEAR(chien, 2) -souris OR col:x*");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->words,
            (std::vector<std::string>{"chat", "NEAR", "chien", "2", "souris", "OR", "col", "x"}));
  EXPECT_EQ(fts5_match(*t), R"("chat" "NEAR" "chien" "2" "souris" "OR" "col" "x")");
}

TEST(SearchTerms, InputIsBounded) {
  EXPECT_TRUE(fails_with(terms_of(""), error_code::invalid_field, "q"));
  EXPECT_TRUE(fails_with(terms_of("   "), error_code::invalid_field, "q"));
  EXPECT_TRUE(fails_with(terms_of(std::string(max_query_length + 1, 'a')),
                         error_code::invalid_field, "q", field_problem::too_long));
  EXPECT_TRUE(fails_with(terms_of("caf\xC3"), error_code::invalid_field, "q",
                         field_problem::invalid_format));
  auto many = terms_of("a b c d e f g h i j k l m");
  ASSERT_TRUE(many.ok());
  EXPECT_EQ(many->words.size(), max_terms);
  auto longest = terms_of(std::string(100, 'z'));
  ASSERT_TRUE(longest.ok());
  EXPECT_EQ(longest->words.front().size(), max_term_length);
}

TEST(SearchSnippets, AreEscapedHtmlWithEachMatchMarked) {
  const std::string o(match_opens), c(match_closes);
  EXPECT_EQ(snippet_html("Un " + o + "été" + c + " <b>chaud</b>\n\n & \"sec\""),
            "Un <mark>été</mark> &lt;b&gt;chaud&lt;/b&gt; &amp; &quot;sec&quot;");
  EXPECT_EQ(snippet_html(std::string(less_than_sign) + "b> " + o + "x" + c),
            "&lt;b&gt; <mark>x</mark>");
  // Markers typed by a member cannot unbalance the HTML.
  EXPECT_EQ(snippet_html(c + "a" + o + o + "b"), "a<mark>b</mark>");
}

class Search : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");    // the owner
  caller bea = t.person("Bea");    // a member
  caller cleo = t.person("Cléo");  // a member
  caller eve = t.person("Eve");    // of another community only
  std::string slug = t.community(ana);
  std::string other = t.community(eve, "Ailleurs");
  std::int64_t room = 0, board = 0, elsewhere = 0;

  void SetUp() override {
    auto inv = invitations::create_invitation(a(), ana, slug, {});
    ASSERT_TRUE(inv.ok());
    ASSERT_TRUE(invitations::accept_invitation(a(), bea, inv->code).ok());
    ASSERT_TRUE(invitations::accept_invitation(a(), cleo, inv->code).ok());
    room = chat::create_channel(a(), ana, slug, "général", "chat")->id;
    board = chat::create_channel(a(), ana, slug, "babillard", "board")->id;
    elsewhere = chat::create_channel(a(), eve, other, "ailleurs", "chat")->id;
  }

  std::int64_t say(const caller& who, std::int64_t channel, const std::string& body) {
    t.clock.advance(1000);
    auto m = chat::post_message(a(), who, channel, {body, {}, {}});
    if (!m) throw std::runtime_error("post: " + std::string(code_name(m.error())));
    return m->id;
  }
  result<page> find(const caller& who, const std::string& q, request asked = {}) {
    asked.q = q;
    return search(a(), who, slug, asked);
  }
  // The kinds and ids found, in order.
  std::vector<std::pair<std::string, std::int64_t>> found(const caller& who, const std::string& q,
                                                          request asked = {}) {
    auto p = find(who, q, asked);
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : code_name(p.error()));
    std::vector<std::pair<std::string, std::int64_t>> out;
    if (p.ok())
      for (const auto& h : p->results) out.emplace_back(std::string(h.kind), h.id);
    return out;
  }
  using found_list = std::vector<std::pair<std::string, std::int64_t>>;
};

TEST_F(Search, AccentsAndCaseAreFoldedBothWays) {
  const auto summer = say(bea, room, "Un été magnifique à Québec");
  const auto plain = say(bea, room, "Quebec en ETE, encore");
  EXPECT_EQ(found(ana, "ete", {.sort = order::newest}),
            (found_list{{"message", plain}, {"message", summer}}));
  EXPECT_EQ(found(ana, "QUÉBEC été", {.sort = order::newest}),
            (found_list{{"message", plain}, {"message", summer}}));
  auto p = find(ana, "quebec magni");  // the last word as a prefix
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->results.size(), 1u);
  const auto& h = p->results[0];
  EXPECT_EQ(h.id, summer);
  EXPECT_EQ(h.channel_id, room);
  EXPECT_EQ(h.author_id, bea.account_id);
  EXPECT_EQ(h.author_name, "Bea");
  EXPECT_TRUE(h.seq.has_value());
  EXPECT_NE(h.snippet.find("<mark>Québec</mark>"), std::string::npos) << h.snippet;
  EXPECT_NE(h.snippet.find("<mark>magnifique</mark>"), std::string::npos) << h.snippet;
  ASSERT_EQ(p->rooms.size(), 1u);
  EXPECT_EQ(p->rooms[0].name, "général");
}

TEST_F(Search, FindsPostsCommentsAndFileNames) {
  auto post = board::create_post(a(), bea, board, {"Répétition de samedi", "On apporte le café"});
  ASSERT_TRUE(post.ok());
  t.clock.advance(1000);
  auto comment = board::create_comment(a(), cleo, post->id, {"Je répète le refrain", std::nullopt});
  ASSERT_TRUE(comment.ok());
  http::prepare_temp_folder(http::temp_folder(t.cfg.data_dir));
  auto body = http::temp_file::create(http::temp_folder(t.cfg.data_dir));
  body.append("les paroles du refrain\n");
  body.finish();
  auto f = files::upload(a(), cleo, slug, "paroles_répétition-v2.txt", body);
  ASSERT_TRUE(f.ok());
  auto uploaded_only = find(ana, "paroles");  // not attached yet: its uploader's alone
  ASSERT_TRUE(uploaded_only.ok());
  EXPECT_TRUE(uploaded_only->results.empty());
  t.clock.advance(1000);
  auto m = chat::post_message(a(), cleo, room, {"voilà", {}, {}, {f->id}});
  ASSERT_TRUE(m.ok());

  EXPECT_EQ(found(bea, "repetition", {.sort = order::newest}),
            (found_list{{"file", f->id}, {"post", post->id}}));
  EXPECT_EQ(found(bea, "cafe"), (found_list{{"post", post->id}}));
  EXPECT_EQ(found(bea, "repete"), (found_list{{"comment", comment->id}}));
  auto p = find(bea, "paroles");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->results.size(), 1u);
  const auto& file = p->results[0];
  EXPECT_EQ(file.item_kind, "message");
  EXPECT_EQ(file.item_id, m->id);
  EXPECT_EQ(file.seq, m->seq);
  ASSERT_TRUE(file.file.has_value());
  EXPECT_EQ(file.file->name, "paroles_répétition-v2.txt");
  auto c = find(bea, "refrain");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->results.size(), 1u);  // the comment; the file's text is not its name
  EXPECT_EQ(c->results[0].post_id, post->id);
  EXPECT_EQ(c->results[0].title, "Répétition de samedi");
}

TEST_F(Search, NeverAWordFromARoomTheCallerMayNotSee) {
  say(eve, elsewhere, "secret ailleurs");
  auto dm = conversations::start_conversation(a(), bea, slug, {cleo.account_id}, std::nullopt);
  ASSERT_TRUE(dm.ok());
  const auto whisper = say(bea, dm->c.room.id, "secret entre nous");
  const auto shared = say(ana, room, "pas de secret ici");

  EXPECT_EQ(found(ana, "secret"), (found_list{{"message", shared}}));  // hosts too
  EXPECT_EQ(found(cleo, "secret", {.sort = order::newest}),
            (found_list{{"message", shared}, {"message", whisper}}));
  // The room filter names a room one may not see: as one that does not exist.
  EXPECT_TRUE(
      fails_with(find(ana, "secret", {.channel_id = dm->c.room.id}), error_code::not_found));
  EXPECT_TRUE(fails_with(find(ana, "secret", {.channel_id = elsewhere}), error_code::not_found));
  EXPECT_TRUE(fails_with(search(a(), eve, slug, {.q = "secret"}), error_code::not_found));

  // Removed: nothing from the next search on.
  ASSERT_TRUE(communities::remove_member(a(), ana, slug, cleo.account_id).ok());
  EXPECT_TRUE(fails_with(find(cleo, "secret"), error_code::not_found));
}

TEST_F(Search, EditsAndDeletionsChangeWhatIsFound) {
  const auto id = say(bea, room, "rendez-vous au parc");
  auto edited = chat::edit_message(a(), bea, id, "rendez-vous à la plage");
  ASSERT_TRUE(edited.ok());
  EXPECT_TRUE(found(ana, "parc").empty());
  EXPECT_EQ(found(ana, "plage"), (found_list{{"message", id}}));
  ASSERT_TRUE(chat::delete_message(a(), bea, id).ok());
  EXPECT_TRUE(found(ana, "plage").empty());

  auto post = board::create_post(a(), bea, board, {"Perdu", "un parapluie"});
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(found(ana, "parapluie"), (found_list{{"post", post->id}}));
  ASSERT_TRUE(board::delete_post(a(), bea, post->id).ok());
  EXPECT_TRUE(found(ana, "parapluie").empty());
}

TEST_F(Search, FiltersByRoomAuthorAndDate) {
  const auto first = say(bea, room, "pique-nique dimanche");
  const auto from_ana = say(ana, room, "pique-nique annulé");
  auto second_room = chat::create_channel(a(), ana, slug, "sorties", "chat");
  ASSERT_TRUE(second_room.ok());
  const auto elsewhere_in = say(bea, second_room->id, "pique-nique au lac");
  const std::string cut = iso8601(t.clock.now() + 500);  // between the last two
  const auto last = say(bea, room, "pique-nique reporté");

  EXPECT_EQ(found(ana, "pique", {.channel_id = room, .sort = order::newest}),
            (found_list{{"message", last}, {"message", from_ana}, {"message", first}}));
  EXPECT_EQ(found(ana, "pique", {.author_id = ana.account_id}),
            (found_list{{"message", from_ana}}));
  EXPECT_EQ(found(ana, "pique", {.before = cut, .sort = order::newest}),
            (found_list{{"message", elsewhere_in}, {"message", from_ana}, {"message", first}}));
  EXPECT_EQ(found(ana, "pique", {.after = cut}), (found_list{{"message", last}}));
  EXPECT_TRUE(fails_with(find(ana, "pique", {.before = cut, .after = cut}),
                         error_code::invalid_field, "before", field_problem::out_of_range));
  EXPECT_TRUE(fails_with(find(ana, "pique", {.after = "hier"}), error_code::invalid_field, "after",
                         field_problem::invalid_format));
  // A day alone is its midnight in the community's zone: everything so far is after it.
  EXPECT_EQ(found(ana, "pique", {.after = "2000-01-01"}).size(), 4u);
  // Or milliseconds since the epoch.
  EXPECT_EQ(found(ana, "pique", {.after = std::to_string(t.clock.now() - 500)}),
            (found_list{{"message", last}}));
}

TEST_F(Search, RanksByRelevanceAndPages) {
  const auto once = say(bea, room, "une chanson parmi bien d'autres mots qui ne comptent pas ici");
  const auto thrice = say(bea, room, "chanson chanson chanson");
  for (int i = 0; i < 4; ++i)
    say(bea, room, "autre chanson numéro " + std::to_string(i) + " et encore des mots");
  auto first = found(ana, "chanson", {.limit = 1});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].second, thrice);
  auto last = found(ana, "chanson");
  ASSERT_EQ(last.size(), 6u);
  EXPECT_EQ(last.back().second, once);  // the longest text, one match: least relevant

  auto p1 = find(ana, "chanson", {.sort = order::newest, .limit = 4});
  ASSERT_TRUE(p1.ok());
  ASSERT_EQ(p1->results.size(), 4u);
  ASSERT_EQ(p1->next_offset, 4);
  auto p2 = find(ana, "chanson", {.sort = order::newest, .limit = 4, .offset = 4});
  ASSERT_TRUE(p2.ok());
  ASSERT_EQ(p2->results.size(), 2u);
  EXPECT_FALSE(p2->next_offset.has_value());
  EXPECT_EQ(p2->results.back().id, once);

  EXPECT_TRUE(fails_with(find(ana, "chanson", {.limit = 0}), error_code::invalid_field, "limit"));
  EXPECT_TRUE(fails_with(find(ana, "chanson", {.limit = max_limit + 1}), error_code::invalid_field,
                         "limit"));
  EXPECT_TRUE(fails_with(find(ana, "chanson", {.offset = ranked_among}), error_code::invalid_field,
                         "offset"));
}

TEST_F(Search, PunctuationAndSyntaxChangeNothingOnTheEngines) {
  const auto id = say(bea, room, "near the \"end\" - ou presque*");
  for (const char* q : {"NEAR", "\"end", "end\"", "presque*", "-ou", "OR AND NOT", "near(the"})
    EXPECT_TRUE(find(ana, q).ok()) << q;
  EXPECT_EQ(found(ana, "\"end\" -"), (found_list{{"message", id}}));
  EXPECT_TRUE(fails_with(find(ana, "\"*-"), needs_words));
}

}  // namespace
}  // namespace ps::search
