#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chat/service.hpp"
#include "invitations/service.hpp"
#include "realtime/hub.hpp"
#include "realtime/stream_protocol.hpp"
#include "testing/test_app.hpp"

namespace ps::realtime {
namespace {

using nlohmann::json;
using ps::testing::recording_subscriber;

TEST(Hub, PublishesToTheCommunityAndTheAccount) {
  hub h;
  auto a = std::make_shared<recording_subscriber>(), b = std::make_shared<recording_subscriber>();
  h.attach(a, {1}, {10});
  h.attach(b, {2}, {10, 20});
  h.publish_to_community(10, make_frame("x"));
  h.publish_to_community(20, make_frame("y"));
  h.publish_to_account(1, make_frame("z"));
  EXPECT_EQ(a->texts(), (std::vector<std::string>{"x", "z"}));
  EXPECT_EQ(b->texts(), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(h.connection_count(), 2u);
}

TEST(Hub, LeaveStopsAtOnceAndJoinStarts) {
  hub h;
  auto a = std::make_shared<recording_subscriber>();
  h.attach(a, {1}, {10});
  h.leave(1, 10);
  h.publish_to_community(10, make_frame("gone"));
  EXPECT_EQ(a->count(), 0u);
  h.join(1, 30);
  h.publish_to_community(30, make_frame("new"));
  EXPECT_EQ(a->texts(), (std::vector<std::string>{"new"}));
}

TEST(Hub, EndsTheStreamsOfOneSessionOneTokenOrAllButOne) {
  hub h;
  auto phone = std::make_shared<recording_subscriber>();   // session 7
  auto laptop = std::make_shared<recording_subscriber>();  // session 8
  auto script = std::make_shared<recording_subscriber>();  // token 3
  auto other = std::make_shared<recording_subscriber>();   // account 2's session 9
  h.attach(phone, {1, 7, std::nullopt}, {10});
  h.attach(laptop, {1, 8, std::nullopt}, {10});
  h.attach(script, {1, std::nullopt, 3}, {10});
  h.attach(other, {2, 9, std::nullopt}, {10});
  h.end_session(1, 7);
  EXPECT_EQ(phone->ended_with(), close_session_ended);
  EXPECT_EQ(laptop->ended_with(), 0);
  EXPECT_EQ(script->ended_with(), 0);
  h.end_session(1, 9);  // not account 1's: nothing happens
  EXPECT_EQ(other->ended_with(), 0);
  h.end_token(1, 3);
  EXPECT_EQ(script->ended_with(), close_session_ended);
  EXPECT_EQ(laptop->ended_with(), 0);
  auto tablet = std::make_shared<recording_subscriber>();  // session 11
  h.attach(tablet, {1, 11, std::nullopt}, {10});
  h.end_account_streams(1, 8);  // a password change made on the laptop
  EXPECT_EQ(tablet->ended_with(), close_session_ended);
  EXPECT_EQ(laptop->ended_with(), 0);
  h.end_account_streams(1, std::nullopt);  // a change made with a token keeps nothing
  EXPECT_EQ(laptop->ended_with(), close_session_ended);
  EXPECT_EQ(other->ended_with(), 0);
}

TEST(Hub, AnAccessChangeClosesEveryStreamOfTheAccountAfterWhatIsQueued) {
  hub h;
  auto session = std::make_shared<recording_subscriber>();
  auto token = std::make_shared<recording_subscriber>();
  auto other = std::make_shared<recording_subscriber>();
  h.attach(session, {1, 7, std::nullopt}, {10});
  h.attach(token, {1, std::nullopt, 3}, {10});
  h.attach(other, {2, 9, std::nullopt}, {10});
  h.reconnect_account_streams(1);
  EXPECT_EQ(session->ended_with(), close_access_changed);
  EXPECT_EQ(token->ended_with(), close_access_changed);
  EXPECT_TRUE(session->sent_queued());  // the event that announced the change goes out first
  EXPECT_EQ(other->ended_with(), 0);
  h.end_session(2, 9);
  EXPECT_FALSE(other->sent_queued());  // an ended session's stream drops what waits
}

TEST(Hub, EndsOtherSessionsButNotTokens) {
  hub h;
  auto laptop = std::make_shared<recording_subscriber>();  // session 8: "end all others" here
  auto phone = std::make_shared<recording_subscriber>();   // session 7
  auto script = std::make_shared<recording_subscriber>();  // token 3
  auto other = std::make_shared<recording_subscriber>();   // account 2's session 9
  h.attach(laptop, {1, 8, std::nullopt}, {10});
  h.attach(phone, {1, 7, std::nullopt}, {10});
  h.attach(script, {1, std::nullopt, 3}, {10});
  h.attach(other, {2, 9, std::nullopt}, {10});
  h.end_sessions_except(1, 8);
  EXPECT_EQ(phone->ended_with(), close_session_ended);
  EXPECT_EQ(laptop->ended_with(), 0);
  EXPECT_EQ(script->ended_with(), 0);  // end_account_streams would have ended it
  EXPECT_EQ(other->ended_with(), 0);
  h.end_sessions_except(1, std::nullopt);  // asked with a token: every session, still no token
  EXPECT_EQ(laptop->ended_with(), close_session_ended);
  EXPECT_EQ(script->ended_with(), 0);
  EXPECT_EQ(other->ended_with(), 0);
}

TEST(Hub, DetachForgetsTheConnection) {
  hub h;
  auto a = std::make_shared<recording_subscriber>();
  h.attach(a, {1}, {10});
  h.detach(a.get());
  h.publish_to_community(10, make_frame("x"));
  h.publish_to_account(1, make_frame("y"));
  EXPECT_EQ(a->count(), 0u);
  EXPECT_EQ(h.connection_count(), 0u);
}

TEST(Hub, SharesOneFrameBetweenRecipients) {
  hub h;
  auto a = std::make_shared<recording_subscriber>(), b = std::make_shared<recording_subscriber>();
  h.attach(a, {1}, {10});
  h.attach(b, {2}, {10});
  auto frame = make_frame("same");
  h.publish_to_community(10, frame);
  EXPECT_EQ(frame.use_count(), 3);  // ours and one per recipient: serialised once
}

class StreamProtocol : public ::testing::Test {
 protected:
  testing::test_app t;
  caller host = t.person("Ana");
  std::string slug = t.community(host);
  std::int64_t channel_id = chat::create_channel(t.app(), host, slug, "général", "chat")->id;

  std::vector<json> texts(const stream_protocol::answer& a) {
    std::vector<json> out;
    for (const auto& f : a.frames) out.push_back(json::parse(f->text));
    return out;
  }
};

TEST_F(StreamProtocol, HelloNamesTheAccountAndWhereEachCommunitysLogStands) {
  stream_protocol p(t.app(), host);
  const auto start = p.prepare();
  const auto hello = json::parse(p.hello(start)->text);
  EXPECT_EQ(hello["account_id"], host.account_id);
  ASSERT_EQ(start.communities.size(), 1u);
  const auto community = std::to_string(start.communities[0]);
  EXPECT_EQ(hello["communities"][community], 1);  // channel.created
  ASSERT_TRUE(chat::post_message(t.app(), host, channel_id, {"un", {}, {}}).ok());
  EXPECT_EQ(json::parse(p.hello(p.prepare())->text)["communities"][community], 2);
}

TEST_F(StreamProtocol, PingGetsPong) {
  stream_protocol p(t.app(), host);
  auto out = texts(p.on_text(R"({"type":"ping"})"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["type"], "pong");
}

TEST_F(StreamProtocol, BadFramesGetErrorsInTheCallersLanguage) {
  stream_protocol p(t.app(), host);
  auto bad = texts(p.on_text("{nope"));
  EXPECT_EQ(bad[0]["error"]["code"], "malformed_json");
  // Ana signed up in French; an English speaker gets English. Both languages say "JSON", so the
  // exact texts are compared.
  EXPECT_EQ(bad[0]["error"]["message"], "Ce message n’est pas du JSON valide.");
  stream_protocol english(t.app(), t.person("Ed", locale::en));
  EXPECT_EQ(texts(english.on_text("{nope"))[0]["error"]["message"], "This frame is not valid JSON.");
  EXPECT_EQ(texts(p.on_text(R"({"type":"dance"})"))[0]["error"]["code"], "unknown_type");
  EXPECT_EQ(texts(p.on_text(R"({"type":"resume","channels":[1]})"))[0]["error"]["code"],
            "invalid_field");
  EXPECT_EQ(texts(p.on_text(R"({"type":"resume","channels":{"x":1}})"))[0]["error"]["code"],
            "invalid_field");
}

TEST_F(StreamProtocol, ResumeReplaysWhatWasMissedInOrderThenSaysResumed) {
  for (int i = 1; i <= 5; ++i)
    ASSERT_TRUE(
        chat::post_message(t.app(), host, channel_id, {"message " + std::to_string(i), {}, {}})
            .ok());
  stream_protocol p(t.app(), host);
  auto answer =
      p.on_text(json{{"type", "resume"}, {"channels", {{std::to_string(channel_id), 2}}}}.dump());
  auto out = texts(answer);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0]["seq"], 3);
  EXPECT_EQ(out[2]["seq"], 5);
  EXPECT_EQ(out[2]["message"]["body"], "message 5");
  EXPECT_EQ(out[3]["type"], "resumed");
  EXPECT_EQ(out[3]["channels"][std::to_string(channel_id)], 5);
  EXPECT_EQ(answer.replayed_up_to.at(channel_id), 5);
}

TEST_F(StreamProtocol, ResumePagesThroughLongGaps) {
  for (int i = 0; i < resume_page + 30; ++i)
    ASSERT_TRUE(chat::post_message(t.app(), host, channel_id, {"m", {}, {}}).ok());
  stream_protocol p(t.app(), host);
  auto out = texts(
      p.on_text(json{{"type", "resume"}, {"channels", {{std::to_string(channel_id), 0}}}}.dump()));
  ASSERT_EQ(out.size(), static_cast<std::size_t>(resume_page + 31));
  for (int i = 0; i < resume_page + 30; ++i) EXPECT_EQ(out[i]["seq"], i + 1);
}

TEST_F(StreamProtocol, TypingIsLetThroughOncePerIntervalPerRoom) {
  stream_protocol p(t.app(), host);
  const std::string frame = json{{"type", "typing"}, {"channel_id", channel_id}}.dump();
  EXPECT_EQ(p.on_text(frame).typing_in, channel_id);
  EXPECT_FALSE(p.on_text(frame).typing_in);  // at once again: dropped, without an answer
  EXPECT_TRUE(p.on_text(frame).frames.empty());
  const std::string elsewhere = json{{"type", "typing"}, {"channel_id", channel_id + 1}}.dump();
  EXPECT_EQ(p.on_text(elsewhere).typing_in, channel_id + 1);  // another room has its own pace
  t.clock.advance(typing_interval);
  EXPECT_EQ(p.on_text(frame).typing_in, channel_id);
}

TEST_F(StreamProtocol, TypingReachesTheRoomsAudienceWithTheName) {
  caller member = t.person("Béa");
  auto inv = invitations::create_invitation(t.app(), host, slug, {});
  ASSERT_TRUE(inv.ok());
  ASSERT_TRUE(invitations::accept_invitation(t.app(), member, inv->code).ok());
  auto watcher = std::make_shared<testing::recording_subscriber>();
  t.hub.attach(watcher, {member.account_id}, stream_protocol(t.app(), member).prepare().communities);
  stream_protocol p(t.app(), host);
  EXPECT_TRUE(p.relay_typing(channel_id).frames.empty());
  ASSERT_EQ(watcher->count(), 1u);
  const auto notice = json::parse(watcher->texts()[0]);
  EXPECT_EQ(notice["type"], "typing");
  EXPECT_EQ(notice["channel_id"], channel_id);
  EXPECT_EQ(notice["account_id"], host.account_id);
  EXPECT_EQ(notice["display_name"], "Ana");
  EXPECT_FALSE(notice.contains("pos"));  // not an event of the log
  // Someone who may not see the room is told it does not exist, and nobody hears of it.
  stream_protocol stranger(t.app(), t.person("Zoe"));
  EXPECT_EQ(texts(stranger.relay_typing(channel_id))[0]["error"]["code"], "not_found");
  EXPECT_EQ(watcher->count(), 1u);
}

TEST_F(StreamProtocol, ResumeSkipsChannelsTheCallerCannotSee) {
  ASSERT_TRUE(chat::post_message(t.app(), host, channel_id, {"secret", {}, {}}).ok());
  caller stranger = t.person("Zoe");
  stream_protocol p(t.app(), stranger);
  auto out = texts(
      p.on_text(json{{"type", "resume"}, {"channels", {{std::to_string(channel_id), 0}}}}.dump()));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["type"], "resumed");
}

}  // namespace
}  // namespace ps::realtime

namespace ps::realtime {
namespace {

// What the server does with its network threads, by hand: each shard's work queued in order,
// then run. A connection hears only from its own shard, and every shard keeps the order.
TEST(Hub, ShardsRunPublicationsAndMembershipChangesInOrder) {
  hub h;
  std::vector<std::vector<std::function<void()>>> queued(2);
  h.use_shards(2, [&queued](std::size_t shard, std::function<void()> work) {
    queued.at(shard).push_back(std::move(work));
  });
  auto a = std::make_shared<recording_subscriber>(), b = std::make_shared<recording_subscriber>();
  h.attach(a, {1}, {10}, 0);
  h.attach(b, {2}, {10}, 1);
  EXPECT_EQ(h.connection_count(), 2u);
  for (int i = 0; i < 100; ++i) h.publish_to_community(10, make_frame(std::to_string(i)));
  h.leave(1, 10);
  h.publish_to_community(10, make_frame("after leave"));
  h.publish_to_account(2, make_frame("to b"));
  EXPECT_EQ(a->count(), 0u);  // nothing runs until the shard's thread runs it
  ASSERT_EQ(queued[0].size(), 103u);
  ASSERT_EQ(queued[1].size(), 103u);
  for (auto& shard : queued)
    for (auto& work : shard) work();
  auto from_a = a->texts(), from_b = b->texts();
  ASSERT_EQ(from_a.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(from_a[i], std::to_string(i));
  ASSERT_EQ(from_b.size(), 102u);
  EXPECT_EQ(from_b[100], "after leave");
  EXPECT_EQ(from_b[101], "to b");
}

TEST(Hub, DropsPublicationsOnceStopped) {
  hub h;
  auto a = std::make_shared<recording_subscriber>();
  h.attach(a, {1}, {10});
  h.stop_delivering();
  h.publish_to_community(10, make_frame("late"));
  EXPECT_EQ(a->count(), 0u);
  h.clear();
  EXPECT_EQ(h.connection_count(), 0u);
}

}  // namespace
}  // namespace ps::realtime
