#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "accounts/service.hpp"
#include "chat/service.hpp"
#include "communities/service.hpp"
#include "invitations/service.hpp"
#include "realtime/event_log.hpp"
#include "realtime/log_store.hpp"
#include "realtime/stream_protocol.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"

// The event log and the resume that reads it: every event type is replayed to a client that was
// offline across it, as its subject is now; nothing missed, nothing doubled; a private room's
// events reach only its participants; a client too far behind gets one resync.
namespace ps::realtime {
namespace {

using nlohmann::json;
using ps::testing::fails_with;
using ps::testing::recording_subscriber;

class EventLog : public ::testing::Test {
 protected:
  EventLog() { t.cfg.test_room_kinds = true; }
  ps::testing::test_app t;
  caller host = t.person("Ana");
  caller guest = t.person("Bea");
  std::string slug = t.community(host);
  std::int64_t community_id = communities::access_community(t.app(), host, slug)->place.id;
  std::int64_t channel_id = chat::create_channel(t.app(), host, slug, "général", "chat")->id;

  void SetUp() override {
    auto inv = invitations::create_invitation(t.app(), host, slug, {});
    ASSERT_TRUE(inv.ok());
    ASSERT_TRUE(invitations::accept_invitation(t.app(), guest, inv->code).ok());
  }

  std::int64_t last_pos() {
    return t.db->read([&](db::session& s) { return log_store::last_pos(s, community_id); });
  }

  // What `who` gets when resuming the community from `pos`, resumed frame last.
  std::vector<json> resume(const caller& who, std::int64_t pos) {
    stream_protocol p(t.app(), who);
    (void)p.prepare();
    auto answer = p.on_text(
        json{{"type", "resume"}, {"communities", {{std::to_string(community_id), pos}}}}.dump());
    std::vector<json> out;
    for (const auto& f : answer.frames) out.push_back(json::parse(f->text));
    return out;
  }

  static std::vector<std::string> types(const std::vector<json>& frames) {
    std::vector<std::string> out;
    for (const auto& f : frames) out.push_back(f["type"]);
    return out;
  }
};

TEST_F(EventLog, PositionsIncreaseByOneAndEveryLoggedFrameCarriesItsPlace) {
  const auto before = last_pos();
  auto sub = std::make_shared<recording_subscriber>();
  t.hub.attach(sub, {guest.account_id}, {community_id});
  auto m = chat::post_message(t.app(), host, channel_id, {"un", {}, {}});
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(chat::edit_message(t.app(), host, m->id, "deux").ok());
  EXPECT_EQ(last_pos(), before + 2);
  auto texts = sub->texts();
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(json::parse(texts[0])["pos"], before + 1);
  EXPECT_EQ(json::parse(texts[1])["pos"], before + 2);
  EXPECT_EQ(json::parse(texts[1])["community_id"], community_id);
}

TEST_F(EventLog, ResumeReplaysEveryEventTypeMissedOfflineInOrder) {
  const auto offline_from = last_pos();
  auto m = chat::post_message(t.app(), host, channel_id, {"bonjour", {}, {}});
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(chat::edit_message(t.app(), host, m->id, "bonjour tout le monde").ok());
  ASSERT_TRUE(chat::react(t.app(), host, m->id, "👍", true).ok());
  ASSERT_TRUE(chat::react(t.app(), host, m->id, "👍", false).ok());
  auto gone = chat::post_message(t.app(), host, channel_id, {"oups", {}, {}});
  ASSERT_TRUE(chat::delete_message(t.app(), host, gone->id).ok());
  ASSERT_TRUE(chat::mark_read(t.app(), guest, channel_id, gone->seq).ok());
  auto second = chat::create_channel(t.app(), host, slug, "annonces", "chat");
  ASSERT_TRUE(chat::update_channel(t.app(), host, second->id, "nouvelles", std::nullopt).ok());
  ASSERT_TRUE(chat::update_channel(t.app(), host, second->id, std::nullopt, true).ok());
  ASSERT_TRUE(chat::update_channel(t.app(), host, second->id, std::nullopt, false).ok());
  caller carl = t.person("Carl");
  auto inv = invitations::create_invitation(t.app(), host, slug, {});
  ASSERT_TRUE(invitations::accept_invitation(t.app(), carl, inv->code).ok());
  ASSERT_TRUE(communities::change_role(t.app(), host, slug, carl.account_id, "host").ok());
  ASSERT_TRUE(accounts::update_profile(t.app(), carl, std::string("Carlos"), std::nullopt).ok());
  // Dave joins and is removed while the guest is away: the replay says only that he is gone.
  caller dave = t.person("Dave");
  inv = invitations::create_invitation(t.app(), host, slug, {});
  ASSERT_TRUE(invitations::accept_invitation(t.app(), dave, inv->code).ok());
  ASSERT_TRUE(communities::remove_member(t.app(), host, slug, dave.account_id).ok());

  const auto out = resume(guest, offline_from);
  EXPECT_EQ(types(out), (std::vector<std::string>{
                            "message.created", "message.edited", "reaction.added",
                            "reaction.removed", "message.created", "message.deleted",
                            "channel.read", "channel.created", "channel.renamed",
                            "channel.archived", "channel.unarchived", "member.joined",
                            "member.role_changed", "member.renamed", "member.removed", "resumed"}));
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    EXPECT_GT(out[i]["pos"], i == 0 ? offline_from : out[i - 1]["pos"].get<std::int64_t>()) << i;
    EXPECT_EQ(out[i]["community_id"], community_id);
  }
  // Each as its subject is now: the first message edited, its reaction taken back; the second
  // deleted (its text gone from the replay too); the channel renamed and unarchived.
  EXPECT_EQ(out[0]["message"]["body"], "bonjour tout le monde");
  EXPECT_TRUE(out[2]["message"]["reactions"].empty());
  EXPECT_EQ(out[2]["emoji"], "👍");
  EXPECT_EQ(out[2]["account_id"], host.account_id);
  EXPECT_EQ(out[4]["message"]["deleted"], true);
  EXPECT_EQ(out[4]["message"]["body"], "");
  EXPECT_EQ(out[5]["message_id"], gone->id);
  EXPECT_EQ(out[6]["last_read_seq"], gone->seq);
  EXPECT_EQ(out[7]["channel"]["name"], "nouvelles");
  EXPECT_EQ(out[10]["channel"]["archived"], false);
  EXPECT_EQ(out[11]["member"]["display_name"], "Carlos");
  EXPECT_EQ(out[12]["member"]["role"], "host");
  EXPECT_EQ(out[13]["display_name"], "Carlos");
  EXPECT_EQ(out[14]["account_id"], dave.account_id);
  EXPECT_EQ(out.back()["communities"][std::to_string(community_id)], last_pos());
}

TEST_F(EventLog, AMembersRenameIsLoggedAndPublishedInEachOfTheirCommunities) {
  const auto before = last_pos();
  auto sub = std::make_shared<recording_subscriber>();
  t.hub.attach(sub, {host.account_id}, {community_id});
  ASSERT_TRUE(accounts::update_profile(t.app(), guest, std::string("Béatrice"), std::nullopt).ok());
  ASSERT_EQ(sub->count(), 1u);
  const auto ev = json::parse(sub->texts()[0]);
  EXPECT_EQ(ev["type"], "member.renamed");
  EXPECT_EQ(ev["account_id"], guest.account_id);
  EXPECT_EQ(ev["display_name"], "Béatrice");
  EXPECT_EQ(last_pos(), before + 1);
  // Changing only the language is not a rename: nothing is logged.
  ASSERT_TRUE(accounts::update_profile(t.app(), guest, std::nullopt, std::string("en")).ok());
  EXPECT_EQ(last_pos(), before + 1);
}

TEST_F(EventLog, AReadMarkerIsReplayedOnlyToItsReader) {
  const auto from = last_pos();
  auto m = chat::post_message(t.app(), host, channel_id, {"lu?", {}, {}});
  ASSERT_TRUE(chat::mark_read(t.app(), guest, channel_id, m->seq).ok());
  EXPECT_EQ(types(resume(guest, from)),
            (std::vector<std::string>{"message.created", "channel.read", "resumed"}));
  EXPECT_EQ(types(resume(host, from)), (std::vector<std::string>{"message.created", "resumed"}));
}

TEST_F(EventLog, APrivateRoomsEventsReachOnlyItsParticipantsLiveAndOnResume) {
  caller carl = t.person("Carl");
  auto inv = invitations::create_invitation(t.app(), host, slug, {});
  ASSERT_TRUE(invitations::accept_invitation(t.app(), carl, inv->code).ok());
  auto guest_sub = std::make_shared<recording_subscriber>();
  auto carl_sub = std::make_shared<recording_subscriber>();
  t.hub.attach(guest_sub, {guest.account_id}, {community_id});
  t.hub.attach(carl_sub, {carl.account_id}, {community_id});
  const auto from = last_pos();

  auto room = chat::create_channel(t.app(), host, slug, "coulisses", std::string(chat::test_private_kind),
                                   {carl.account_id});
  ASSERT_TRUE(room.ok());
  EXPECT_EQ(room->visibility, "participants");
  auto m = chat::post_message(t.app(), host, room->id, {"entre nous", {}, {}});
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(chat::react(t.app(), carl, m->id, "🎉", true).ok());

  for (const auto& text : guest_sub->texts()) EXPECT_EQ(text.find("entre nous"), std::string::npos);
  EXPECT_EQ(guest_sub->count(), 0u);
  EXPECT_EQ(carl_sub->count(), 3u);  // channel.created, message.created, reaction.added
  EXPECT_EQ(types(resume(guest, from)), (std::vector<std::string>{"resumed"}));
  EXPECT_EQ(types(resume(carl, from)), (std::vector<std::string>{"channel.created",
                                                                 "message.created",
                                                                 "reaction.added", "resumed"}));
  // and by every other path: the list, history, the message itself, posting, reacting
  auto listed = chat::list_channels(t.app(), guest, slug);
  for (const auto& c : *listed) EXPECT_NE(c.id, room->id);
  EXPECT_TRUE(fails_with(chat::history(t.app(), guest, room->id, {}), error_code::not_found));
  EXPECT_TRUE(fails_with(chat::latest_page_json(t.app(), guest, room->id, 50), error_code::not_found));
  EXPECT_TRUE(fails_with(chat::thread_of(t.app(), guest, m->id), error_code::not_found));
  EXPECT_TRUE(fails_with(chat::post_message(t.app(), guest, room->id, {"coucou", {}, {}}),
                         error_code::not_found));
  EXPECT_TRUE(fails_with(chat::react(t.app(), guest, m->id, "👀", true), error_code::not_found));
  EXPECT_TRUE(fails_with(chat::mark_read(t.app(), guest, room->id, 1), error_code::not_found));
  // the first form of resume does not open it either
  stream_protocol p(t.app(), guest);
  auto old_form = p.on_text(json{{"type", "resume"}, {"channels", {{std::to_string(room->id), 0}}}}.dump());
  ASSERT_EQ(old_form.frames.size(), 1u);
}

TEST_F(EventLog, PrivateRoomsAreForTestsOnly) {
  t.cfg.test_room_kinds = false;
  EXPECT_TRUE(fails_with(chat::create_channel(t.app(), host, slug, "x", std::string(chat::test_private_kind),
                                              {}),
                         error_code::invalid_field, "kind"));
}

TEST_F(EventLog, AClientTooFarBehindOrAheadGetsOneResyncAndNothingElse) {
  for (int i = 0; i < max_replay + 5; ++i)
    ASSERT_TRUE(chat::post_message(t.app(), host, channel_id, {"m", {}, {}}).ok());
  const auto last = last_pos();
  auto far = resume(guest, 0);
  ASSERT_EQ(types(far), (std::vector<std::string>{"resync", "resumed"}));
  EXPECT_EQ(far[0]["pos"], last);
  EXPECT_EQ(types(resume(guest, last + 50)), (std::vector<std::string>{"resync", "resumed"}));
  EXPECT_EQ(types(resume(guest, -3)), (std::vector<std::string>{"resync", "resumed"}));
  // just within the bound: replayed, not resynced
  EXPECT_EQ(resume(guest, last - max_replay).size(), static_cast<std::size_t>(max_replay) + 1);
  EXPECT_EQ(types(resume(guest, last)), (std::vector<std::string>{"resumed"}));
}

TEST_F(EventLog, AResumeNamingSomeoneElsesCommunityLearnsNothingOfIt) {
  caller zoe = t.person("Zoe");
  ASSERT_TRUE(chat::post_message(t.app(), host, channel_id, {"pour les membres", {}, {}}).ok());
  const auto out = resume(zoe, 0);
  ASSERT_EQ(types(out), (std::vector<std::string>{"resync", "resumed"}));
  EXPECT_EQ(out[0]["pos"], 0);  // not even where its log stands
  EXPECT_TRUE(out[1]["communities"].empty());
}

TEST_F(EventLog, AResumeThatDoesNotNameACommunityContinuesFromTheHello) {
  stream_protocol p(t.app(), guest);
  (void)p.prepare();  // the hello is read, then something happens before the connection attaches
  ASSERT_TRUE(chat::post_message(t.app(), host, channel_id, {"entre-temps", {}, {}}).ok());
  auto answer = p.on_text(R"({"type":"resume","communities":{}})");
  ASSERT_EQ(answer.frames.size(), 2u);
  EXPECT_EQ(json::parse(answer.frames[0]->text)["message"]["body"], "entre-temps");
  EXPECT_EQ(answer.replayed_pos.at(community_id), last_pos());
}

TEST_F(EventLog, OldEventsAreForgottenAsTheLogGrowsAndAResumeFromThemResyncs) {
  t.db->write([&](db::transaction& tx) {
    for (int i = 0; i < retained_events + 1000; ++i) {
      logged_event e;
      e.community_id = community_id;
      e.type = "member.renamed";
      e.subject_id = guest.account_id;
      append(tx, e);
    }
  });
  const auto last = last_pos();
  const auto kept = t.db->read([&](db::session& s) {
    return s.query_one("SELECT COUNT(*), MIN(pos) FROM events WHERE community_id = $1", community_id);
  });
  EXPECT_LE(kept->integer(0), retained_events + 1000);
  EXPECT_GT(kept->integer(1), 1);  // the first ones are gone
  EXPECT_EQ(types(resume(guest, kept->integer(1) - 2)), (std::vector<std::string>{"resync", "resumed"}));
  EXPECT_EQ(resume(guest, last - 3).size(), 4u);
}

TEST_F(EventLog, AHostileResumeCostsABoundedAmountOfWork) {
  // a thousand communities that are not theirs, each from position 0
  json communities = json::object();
  for (int i = 0; i < static_cast<int>(max_resume_entries); ++i) communities[std::to_string(100000 + i)] = 0;
  stream_protocol p(t.app(), guest);
  auto answer = p.on_text(json{{"type", "resume"}, {"communities", communities}}.dump());
  EXPECT_EQ(answer.frames.size(), max_resume_entries + 1);
  communities["999999"] = 0;  // one too many
  auto refused = p.on_text(json{{"type", "resume"}, {"communities", communities}}.dump());
  ASSERT_EQ(refused.frames.size(), 1u);
  EXPECT_EQ(json::parse(refused.frames[0]->text)["error"]["code"], "invalid_field");
}

}  // namespace
}  // namespace ps::realtime
