// Broadcasts and their polls on a temporary database (SQLite, or PostgreSQL when the run has
// one): only hosts post; polls of 2 to 10 options, single or multiple, anonymous or named; one
// ballot per member, changeable until the exact closing time; results to voters and hosts; the
// closing announced once, even when it came due while the server was down.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "broadcast/errors.hpp"
#include "broadcast/room_fixture.hpp"
#include "broadcast/service.hpp"
#include "chat/errors.hpp"
#include "chat/service.hpp"
#include "communities/service.hpp"
#include "invitations/service.hpp"
#include "realtime/stream_protocol.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"

namespace ps::broadcast {
namespace {

using nlohmann::json;
using ps::testing::fails_with;

class Broadcast : public broadcast_room {
 protected:
  shown made(new_poll p) {
    auto s = create_poll(a(), ana, room, p);
    if (!s) throw std::runtime_error("create_poll: " + std::string(code_name(s.error())));
    return *s;
  }
  new_poll encore() {
    return {
        "Quel rappel jeudi?", {"Harmonium", "Le Reel du pendu", "Une surprise"}, false, true, {}};
  }
  std::int64_t option(const shown& s, std::size_t i) { return s.p.options.at(i).id; }
};

TEST_F(Broadcast, OnlyHostsPostMembersReadAndReact) {
  auto m = chat::post_message(a(), ana, room, {"Le show est confirmé", {}, {}});
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(
      fails_with(chat::post_message(a(), bea, room, {"moi aussi", {}, {}}), chat::hosts_only_room));
  EXPECT_TRUE(fails_with(chat::post_message(a(), bea, room, {"une réponse", m->id, {}}),
                         chat::hosts_only_room));
  EXPECT_TRUE(chat::react(a(), bea, m->id, "👍", true).ok());
  EXPECT_EQ(chat::history(a(), bea, room, {})->size(), 1u);
}

TEST_F(Broadcast, APollIsAPostOfTheRoomWithItsOptions) {
  auto s = made(encore());
  EXPECT_EQ(s.p.options.size(), 3u);
  EXPECT_TRUE(s.v.results) << "hosts see results";
  auto messages = *chat::history(a(), bea, room, {});
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].id, s.p.message_id);
  EXPECT_EQ(messages[0].body, "Quel rappel jeudi?");
  auto listed = list_polls(a(), bea, room);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_FALSE(listed->front().v.results) << "a member sees results once they voted";
}

TEST_F(Broadcast, BadPollsAreRefused) {
  auto one = encore();
  one.options = {"Seul"};
  EXPECT_TRUE(fails_with(create_poll(a(), ana, room, one), error_code::invalid_field, "options"));
  auto eleven = encore();
  eleven.options.clear();
  for (int i = 0; i < 11; ++i) eleven.options.push_back("choix " + std::to_string(i));
  EXPECT_TRUE(
      fails_with(create_poll(a(), ana, room, eleven), error_code::invalid_field, "options"));
  auto twice = encore();
  twice.options = {"Oui", " Oui "};
  EXPECT_TRUE(fails_with(create_poll(a(), ana, room, twice), error_code::invalid_field, "options"));
  auto past = encore();
  past.closes_at = "2020-01-01T10:00:00Z";
  EXPECT_TRUE(
      fails_with(create_poll(a(), ana, room, past), error_code::invalid_field, "closes_at"));
  auto nonsense = encore();
  nonsense.closes_at = "jeudi prochain";
  EXPECT_TRUE(
      fails_with(create_poll(a(), ana, room, nonsense), error_code::invalid_field, "closes_at"));
  EXPECT_TRUE(fails_with(create_poll(a(), bea, room, encore()), error_code::forbidden));
  EXPECT_TRUE(fails_with(create_poll(a(), eve, room, encore()), error_code::not_found));
  auto chat_room = chat::create_channel(a(), ana, slug, "jasette", "chat");
  EXPECT_TRUE(fails_with(create_poll(a(), ana, chat_room->id, encore()), not_a_broadcast));
  EXPECT_TRUE(list_polls(a(), ana, room)->empty());
  EXPECT_TRUE(chat::history(a(), ana, room, {})->empty()) << "nothing half-written";
}

TEST_F(Broadcast, OneBallotPerMemberChangeableResultsOnceVoted) {
  auto s = made(encore());
  auto before = get_poll(a(), bea, s.p.id);
  EXPECT_FALSE(before->v.results);
  auto voted = vote(a(), bea, s.p.id, {option(s, 1)});
  ASSERT_TRUE(voted.ok());
  EXPECT_TRUE(voted->v.results);
  EXPECT_EQ(voted->v.mine, std::vector<std::int64_t>{option(s, 1)});
  auto changed = vote(a(), bea, s.p.id, {option(s, 2)});
  EXPECT_EQ(changed->p.options[1].count, 0);
  EXPECT_EQ(changed->p.options[2].count, 1);
  EXPECT_EQ(changed->p.voters, 1);
  EXPECT_TRUE(fails_with(vote(a(), bea, s.p.id, {option(s, 0), option(s, 1)}),
                         error_code::invalid_field, "option_ids"))
      << "one option on a single-choice poll";
  EXPECT_TRUE(
      fails_with(vote(a(), bea, s.p.id, {999999}), error_code::invalid_field, "option_ids"));
  EXPECT_TRUE(fails_with(vote(a(), bea, s.p.id, {}), error_code::invalid_field, "option_ids"));
  EXPECT_TRUE(fails_with(vote(a(), eve, s.p.id, {option(s, 0)}), error_code::not_found));
  EXPECT_EQ(get_poll(a(), bea, s.p.id)->v.mine, std::vector<std::int64_t>{option(s, 2)})
      << "refusals changed nothing";
  // Another poll's option is not this one's.
  auto other = made(encore());
  EXPECT_TRUE(fails_with(vote(a(), bea, s.p.id, {option(other, 0)}), error_code::invalid_field,
                         "option_ids"));
}

TEST_F(Broadcast, MultipleChoiceAndNamedVotesShownOnlyToHosts) {
  auto p = encore();
  p.multiple = true;
  p.anonymous = false;
  auto s = made(p);
  ASSERT_TRUE(vote(a(), bea, s.p.id, {option(s, 0), option(s, 2)}).ok());
  auto mine = vote(a(), max, s.p.id, {option(s, 0)});
  EXPECT_FALSE(mine->v.names) << "members never see who voted what";
  EXPECT_EQ(to_json(mine->p, mine->v, t.clock.now())["options"][0].count("voter_ids"), 0u);
  auto host = get_poll(a(), ana, s.p.id);
  EXPECT_TRUE(host->v.names);
  const auto j = to_json(host->p, host->v, t.clock.now());
  EXPECT_EQ(j["options"][0]["voter_ids"], json::array({bea.account_id, max.account_id}));
  EXPECT_EQ(j["options"][0]["count"], 2);
  EXPECT_EQ(j["voters"], 2);
}

TEST_F(Broadcast, ClosingIsExactAndAnnouncedOnceEvenAfterADowntime) {
  auto p = encore();
  p.closes_at = iso8601(t.clock.now() + 60'000);
  auto s = made(p);
  ASSERT_TRUE(vote(a(), bea, s.p.id, {option(s, 0)}).ok());
  t.clock.advance(59'999);
  EXPECT_TRUE(vote(a(), max, s.p.id, {option(s, 1)}).ok()) << "open until its very time";
  EXPECT_EQ(announce_closed(a()), 0);
  t.clock.advance(1);
  EXPECT_TRUE(fails_with(vote(a(), max, s.p.id, {option(s, 0)}), poll_closed));
  EXPECT_TRUE(get_poll(a(), bea, s.p.id)->p.closed(t.clock.now()));
  // The closer runs (at start, after being down): once, and never again.
  auto sub = std::make_shared<testing::recording_subscriber>();
  t.hub.attach(sub, {max.account_id}, {community_id});
  EXPECT_EQ(announce_closed(a()), 1);
  EXPECT_EQ(announce_closed(a()), 0);
  // The poll closing, and Max's notification of it (he voted).
  ASSERT_EQ(sub->count(), 2u);
  EXPECT_EQ(json::parse(sub->texts()[1])["type"], "notification.created");
  const auto e = json::parse(sub->texts()[0]);
  EXPECT_EQ(e["type"], "poll.closed");
  EXPECT_EQ(e["poll"]["closed"], true);
  EXPECT_EQ(e["poll"]["options"][0].count("count"), 0u) << "events carry no results";
}

TEST_F(Broadcast, AWallClockClosingTimeIsInTheCommunitysZone) {
  // The community's zone is America/Toronto by default: 20:00 there, in winter, is 01:00 UTC.
  auto p = encore();
  p.closes_at = "2027-01-15T20:00";
  auto s = made(p);
  EXPECT_EQ(iso8601(*s.p.closes_at), "2027-01-16T01:00:00.000Z");
  p.closes_at = "2027-07-15T20:00";  // daylight saving: 00:00 UTC the next day
  EXPECT_EQ(iso8601(*made(p).p.closes_at), "2027-07-16T00:00:00.000Z");
  p.closes_at = "2027-03-14T02:30";  // the hour the spring change skips
  EXPECT_TRUE(fails_with(create_poll(a(), ana, room, p), error_code::invalid_field, "closes_at"));
}

TEST_F(Broadcast, DeletingAPollsMessageTakesThePollAwayForEveryone) {
  auto kept = made(encore());
  auto p = encore();
  p.closes_at = iso8601(t.clock.now() + 60'000);
  auto gone = made(p);
  ASSERT_TRUE(chat::delete_message(a(), ana, gone.p.message_id).ok());
  EXPECT_TRUE(fails_with(get_poll(a(), bea, gone.p.id), error_code::not_found));
  EXPECT_TRUE(fails_with(vote(a(), bea, gone.p.id, {option(gone, 0)}), error_code::not_found));
  auto listed = *list_polls(a(), bea, room);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].p.id, kept.p.id);
  EXPECT_EQ(listed[0].p.options.size(), 3u) << "the options of the ones that stay";
  t.clock.advance(60'001);
  EXPECT_EQ(announce_closed(a()), 1) << "passed over, once, without an event";
  EXPECT_EQ(announce_closed(a()), 0);
}

TEST_F(Broadcast, AMemberMutesARoomOnlyTheirDevicesHearOfIt) {
  auto mine = std::make_shared<testing::recording_subscriber>();
  auto theirs = std::make_shared<testing::recording_subscriber>();
  t.hub.attach(mine, {bea.account_id}, {community_id});
  t.hub.attach(theirs, {max.account_id}, {community_id});
  ASSERT_TRUE(set_muted(a(), bea, room, true).ok());
  ASSERT_TRUE(set_muted(a(), bea, room, true).ok()) << "twice is once";
  EXPECT_EQ(*muted_rooms(a(), bea, slug), std::vector<std::int64_t>{room});
  EXPECT_TRUE(muted_rooms(a(), max, slug)->empty());
  ASSERT_EQ(mine->count(), 1u);
  EXPECT_EQ(json::parse(mine->texts()[0])["type"], "channel.muted");
  EXPECT_EQ(theirs->count(), 0u);
  EXPECT_TRUE(fails_with(set_muted(a(), eve, room, true), error_code::not_found));
  ASSERT_TRUE(set_muted(a(), bea, room, false).ok());
  EXPECT_TRUE(muted_rooms(a(), bea, slug)->empty());
  EXPECT_EQ(json::parse(mine->texts()[1])["muted"], false);
}

}  // namespace
}  // namespace ps::broadcast
