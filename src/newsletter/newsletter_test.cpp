// The newsletter on a temporary database (SQLite, or PostgreSQL when the run has one): hosts
// write, preview, schedule and send; the send is a job that writes one email per address into
// the outbox, in parts, and never twice; unsubscribe links work once and cannot be forged;
// subscribers come by double opt-in or a CSV import that reports each row it refused.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "communities/service.hpp"
#include "db/database.hpp"
#include "invitations/service.hpp"
#include "jobs/runner.hpp"
#include "mail/outbox_store.hpp"
#include "newsletter/csv.hpp"
#include "newsletter/errors.hpp"
#include "newsletter/sending.hpp"
#include "newsletter/service.hpp"
#include "newsletter/subscribers.hpp"
#include "newsletter/tokens.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"

namespace ps::newsletter {
namespace {

using ps::testing::fails_with;

class Newsletter : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");  // the owner
  caller bea = t.person("Bea", locale::en);
  caller max = t.person("Max");
  caller eve = t.person("Eve");  // not a member
  std::string slug = t.community(ana, "La Fanfare");
  jobs::runner runner{*t.db, t.clock, "node-a"};

  void SetUp() override {
    for (const caller* who : {&bea, &max}) {
      auto inv = invitations::create_invitation(a(), ana, slug, {});
      ASSERT_TRUE(invitations::accept_invitation(a(), *who, inv->code).ok());
    }
    add_jobs(runner, a());
  }

  shown draft(const std::string& subject = "Le show de décembre") {
    auto s =
        create_issue(a(), ana, slug, {subject, "# Trois dates\n\nOn joue **jeudi**.", "Un secret"});
    if (!s) throw std::runtime_error("create_issue failed");
    return *s;
  }
  struct queued {
    std::string to, subject, body, html, headers, topic;
  };
  std::vector<queued> outbox_rows() {
    return t.db->read([](db::session& s) {
      std::vector<queued> out;
      for (auto& r : s.query("SELECT recipient, subject, body, html_body, headers, COALESCE(topic, "
                             "'') FROM outbox ORDER BY id"))
        out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5)});
      return out;
    });
  }
  std::string header(const queued& q, const std::string& name) {
    const auto at = q.headers.find(name + ": ");
    if (at == std::string::npos) return "";
    const auto end = q.headers.find('\n', at);
    return q.headers.substr(at + name.size() + 2, end - at - name.size() - 2);
  }
  // The token of an email's List-Unsubscribe URL.
  std::string unsubscribe_token_of(const queued& q) {
    const std::string url = header(q, "List-Unsubscribe");
    const auto slash = url.rfind('/');
    return url.substr(slash + 1, url.size() - slash - 2);
  }
  void subscribe_confirmed(const std::string& email, const std::string& name = "") {
    auto r = import_csv(a(), ana, slug, "email,name\n" + email + "," + name + "\n");
    ASSERT_TRUE(r.ok());
  }
};

TEST_F(Newsletter, HostsWriteDraftsMembersSeeOnlySentIssues) {
  const auto s = draft();
  EXPECT_EQ(s.it.status, "draft");
  EXPECT_NE(s.html.find("<strong>jeudi</strong>"), std::string::npos);
  ASSERT_TRUE(s.report.has_value());
  EXPECT_TRUE(
      fails_with(create_issue(a(), bea, slug, {"x", "y", std::nullopt}), error_code::forbidden));
  EXPECT_TRUE(
      fails_with(create_issue(a(), eve, slug, {"x", "y", std::nullopt}), error_code::not_found));
  EXPECT_TRUE(fails_with(get_issue(a(), bea, s.it.id), error_code::not_found))
      << "a draft is the hosts'";
  EXPECT_TRUE(list_issues(a(), bea, slug)->empty());
  EXPECT_EQ(list_issues(a(), ana, slug)->size(), 1u);
  EXPECT_TRUE(fails_with(create_issue(a(), ana, slug, {"", "y", std::nullopt}),
                         error_code::invalid_field, "subject"));
  EXPECT_TRUE(fails_with(create_issue(a(), ana, slug, {std::string(201, 'x'), "y", std::nullopt}),
                         error_code::invalid_field, "subject"));
}

TEST_F(Newsletter, SendingNowWritesOneEmailPerMemberWithUnsubscribeHeaders) {
  const auto s = draft();
  auto sent = send_issue(a(), ana, s.it.id, std::nullopt, {});
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->it.status, "sending");
  EXPECT_TRUE(
      fails_with(update_issue(a(), ana, s.it.id, {"x", std::nullopt, std::nullopt}), not_editable));
  EXPECT_EQ(runner.run_due(), 2);  // the members, then the (no) subscribers
  const auto rows = outbox_rows();
  ASSERT_EQ(rows.size(), 3u);  // Ana, Bea, Max
  for (const auto& q : rows) {
    EXPECT_EQ(q.topic, "newsletter:" + std::to_string(s.it.id));
    EXPECT_EQ(header(q, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    EXPECT_TRUE(
        header(q, "List-Unsubscribe").starts_with("<http://petite.test/api/v1/unsubscribe/"));
    EXPECT_NE(q.html.find("<strong>jeudi</strong>"), std::string::npos);
    EXPECT_EQ(q.html.find("<script"), std::string::npos);
  }
  EXPECT_NE(rows[1].body.find("Hello Bea,"), std::string::npos) << "Bea reads English";
  EXPECT_NE(rows[0].body.find("Bonjour Ana,"), std::string::npos);
  auto got = get_issue(a(), ana, s.it.id);
  EXPECT_EQ(got->it.status, "sent");
  EXPECT_EQ(got->report->queued, 3);
  // Members see it in the archive now, and may comment.
  EXPECT_EQ(list_issues(a(), bea, slug)->size(), 1u);
  EXPECT_TRUE(add_comment(a(), bea, s.it.id, "Bravo!").ok());
  EXPECT_EQ(list_comments(a(), max, s.it.id)->size(), 1u);
  EXPECT_TRUE(fails_with(list_comments(a(), eve, s.it.id), error_code::not_found));
  EXPECT_EQ(runner.run_due(), 0);
  EXPECT_EQ(outbox_rows().size(), 3u) << "never twice";
}

TEST_F(Newsletter, ScheduledIssuesWaitForTheirTimeAndCanBeUnscheduled) {
  const auto s = draft();
  EXPECT_TRUE(
      fails_with(send_issue(a(), ana, s.it.id, "2020-01-01T08:00:00Z", {}), invalid_send_time));
  EXPECT_TRUE(
      fails_with(send_issue(a(), ana, s.it.id, "demain", {}), error_code::invalid_field, "at"));
  // 8:00 in the community's zone (America/Toronto), the day after the test epoch.
  auto at = send_issue(a(), ana, s.it.id, "2026-09-22T08:00", {});
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(at->it.status, "scheduled");
  EXPECT_EQ(iso8601(*at->it.scheduled_at), "2026-09-22T12:00:00.000Z");
  EXPECT_EQ(runner.run_due(), 0);
  // Still editable until it starts.
  EXPECT_TRUE(update_issue(a(), ana, s.it.id, {"Nouveau sujet", std::nullopt, std::nullopt}).ok());
  auto back = unschedule_issue(a(), ana, s.it.id);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->it.status, "draft");
  t.clock.advance(2LL * 24 * 3600 * 1000);
  EXPECT_EQ(runner.run_due(), 0);
  EXPECT_TRUE(outbox_rows().empty());
  // Scheduled again, it goes at its time.
  ASSERT_TRUE(send_issue(a(), ana, s.it.id, iso8601(t.clock.now() + 60'000), {}).ok());
  t.clock.advance(60'000);
  EXPECT_EQ(runner.run_due(), 2);
  EXPECT_EQ(outbox_rows().size(), 3u);
  EXPECT_EQ(outbox_rows()[0].subject, "Nouveau sujet");
}

TEST_F(Newsletter, AudienceChoosesMembersSubscribersOrBothAndEachAddressOnce) {
  subscribe_confirmed("zoe@example.com", "Zoé Roy");
  subscribe_confirmed("bea@example.com");  // a member too: one email
  const auto s = draft();
  EXPECT_TRUE(fails_with(send_issue(a(), ana, s.it.id, std::nullopt, {false, false}),
                         error_code::invalid_field, "audience"));
  ASSERT_TRUE(send_issue(a(), ana, s.it.id, std::nullopt, {}).ok());
  runner.run_due();
  std::vector<std::string> to;
  for (const auto& q : outbox_rows()) to.push_back(q.to);
  std::sort(to.begin(), to.end());
  EXPECT_EQ(to, (std::vector<std::string>{"ana@example.com", "bea@example.com", "max@example.com",
                                          "zoe@example.com"}));
  const auto rows = outbox_rows();
  const auto zoe =
      std::find_if(rows.begin(), rows.end(), [](auto& q) { return q.to == "zoe@example.com"; });
  EXPECT_NE(zoe->body.find("Bonjour Zoé,"), std::string::npos);

  const auto only_subscribers = draft("Pour les abonnés");
  ASSERT_TRUE(send_issue(a(), ana, only_subscribers.it.id, std::nullopt, {false, true}).ok());
  runner.run_due();
  EXPECT_EQ(outbox_rows().size(), 6u);  // Zoé and Bea (as a subscriber)
  EXPECT_TRUE(fails_with(get_issue(a(), max, only_subscribers.it.id), error_code::not_found))
      << "not in the members' archive";
}

TEST_F(Newsletter, ALargeAudienceIsWrittenInPartsOfFiveHundred) {
  std::string csv = "Email Address,First Name,Last Name\n";
  for (int i = 0; i < 1'203; ++i)
    csv += "fan" + std::to_string(i) + "@example.com,Fan,N" + std::to_string(i) + "\n";
  auto imported = import_csv(a(), ana, slug, csv);
  ASSERT_TRUE(imported.ok());
  EXPECT_EQ(imported->imported, 1'203);
  const auto s = draft();
  ASSERT_TRUE(send_issue(a(), ana, s.it.id, std::nullopt, {}).ok());
  EXPECT_EQ(runner.run_due(), 4);  // the members, then the subscribers: 500, 500 and 203
  EXPECT_EQ(outbox_rows().size(), 1'206u);
  EXPECT_EQ(get_issue(a(), ana, s.it.id)->it.status, "sent");
}

TEST_F(Newsletter, OneClickUnsubscribeWorksAtOnceIsCountedAndCannotBeForged) {
  subscribe_confirmed("zoe@example.com", "Zoé");
  const auto s = draft();
  ASSERT_TRUE(send_issue(a(), ana, s.it.id, std::nullopt, {}).ok());
  runner.run_due();
  const auto rows = outbox_rows();
  const auto zoe =
      *std::find_if(rows.begin(), rows.end(), [](auto& q) { return q.to == "zoe@example.com"; });
  const auto max_row =
      *std::find_if(rows.begin(), rows.end(), [](auto& q) { return q.to == "max@example.com"; });
  const std::string token = unsubscribe_token_of(zoe);
  auto info = unsubscribe_info(a(), token);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->subscribed);
  EXPECT_EQ(info->email, "zoe@example.com");
  auto done = unsubscribe(a(), token);
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(done->subscribed);
  EXPECT_TRUE(unsubscribe(a(), token).ok()) << "replayed: the same answer, nothing more";
  ASSERT_TRUE(unsubscribe(a(), unsubscribe_token_of(max_row)).ok());  // a member
  EXPECT_EQ(get_issue(a(), ana, s.it.id)->report->unsubscribed, 2);
  // A forged token: its payload changed, or its MAC.
  std::string forged = token;
  forged[2] = forged[2] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(fails_with(unsubscribe(a(), forged), invalid_token));
  EXPECT_TRUE(fails_with(unsubscribe(a(), "nonsense"), invalid_token));
  // The next issue goes to neither.
  const auto next = draft("Le suivant");
  ASSERT_TRUE(send_issue(a(), ana, next.it.id, std::nullopt, {}).ok());
  runner.run_due();
  int to_next = 0;
  for (const auto& q : outbox_rows())
    if (q.subject == "Le suivant") {
      ++to_next;
      EXPECT_NE(q.to, "zoe@example.com");
      EXPECT_NE(q.to, "max@example.com");
    }
  EXPECT_EQ(to_next, 2);
  // Coming back, from the same page.
  EXPECT_TRUE(resubscribe(a(), token)->subscribed);
  EXPECT_EQ(unsubscribe_info(a(), token)->subscribed, true);
}

TEST_F(Newsletter, ThePublicFormIsOffUntilTurnedOnAndAsksForConfirmation) {
  EXPECT_TRUE(fails_with(form_of(a(), slug), form_off));
  subscribe_input in;
  in.email = "zoe@example.com";
  in.address = "192.0.2.1";
  EXPECT_TRUE(fails_with(subscribe(a(), slug, in), form_off));
  EXPECT_TRUE(
      fails_with(put_settings(a(), bea, slug, {true, std::nullopt, std::nullopt, std::nullopt}),
                 error_code::forbidden));
  ASSERT_TRUE(put_settings(a(), ana, slug,
                           {true, std::nullopt, std::string("La Fanfare"),
                            std::string("123 rue Saint-Denis, Montréal")})
                  .ok());
  auto form = form_of(a(), slug);
  ASSERT_TRUE(form.ok());
  in.form_token = form->form_token;
  EXPECT_TRUE(fails_with(subscribe(a(), slug, in), invalid_form_token))
      << "posted at once: a robot";
  t.clock.advance(3'000);
  in.email = "not an address";
  EXPECT_TRUE(fails_with(subscribe(a(), slug, in), error_code::invalid_field, "email"));
  in.email = "Zoe@Example.com";
  in.locale = "en";
  ASSERT_TRUE(subscribe(a(), slug, in).ok());
  auto pending = list_subscribers(a(), ana, slug, "", 0);
  ASSERT_EQ(pending->subscribers.size(), 1u);
  EXPECT_EQ(pending->subscribers[0].status, "pending");
  EXPECT_EQ(pending->subscribers[0].email, "zoe@example.com");
  const auto rows = outbox_rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].subject, "Confirm your subscription to La Fanfare");
  const auto at = rows[0].body.find("token=");
  ASSERT_NE(at, std::string::npos);
  const std::string token = rows[0].body.substr(at + 6, rows[0].body.find('\n', at) - at - 6);
  auto ok = confirm(a(), token);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(confirm(a(), token).ok()) << "twice: the same answer";
  EXPECT_TRUE(fails_with(confirm(a(), token + "x"), invalid_token));
  auto confirmed = list_subscribers(a(), ana, slug, "confirmed", 0);
  ASSERT_EQ(confirmed->subscribers.size(), 1u);
  EXPECT_EQ(confirmed->subscribers[0].consent.method, "double_opt_in");
  // The honeypot: accepted as if, and nothing happens.
  in.email = "robot@example.com";
  in.website = "http://spam.example";
  ASSERT_TRUE(subscribe(a(), slug, in).ok());
  EXPECT_EQ(list_subscribers(a(), ana, slug, "", 0)->subscribers.size(), 1u);
  // A link older than a week is spent.
  t.clock.advance(8LL * 24 * 3600 * 1000);
  EXPECT_TRUE(fails_with(confirm(a(), token), invalid_token));
}

TEST_F(Newsletter, TheEmailFooterNamesTheSenderAndItsPostalAddress) {
  ASSERT_TRUE(put_settings(a(), ana, slug,
                           {std::nullopt, std::nullopt, std::string("Ana & la Fanfare"),
                            std::string("123 rue Saint-Denis, Montréal")})
                  .ok());
  const auto s = draft();
  ASSERT_TRUE(send_test(a(), ana, s.it.id).ok());
  const auto rows = outbox_rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].to, "ana@example.com");
  EXPECT_EQ(rows[0].subject, "[Test] Le show de décembre");
  EXPECT_TRUE(rows[0].topic.empty()) << "a test counts in no issue";
  EXPECT_NE(rows[0].body.find("123 rue Saint-Denis, Montréal"), std::string::npos);
  EXPECT_NE(rows[0].html.find("Ana &amp; la Fanfare, 123 rue Saint-Denis"), std::string::npos);
  EXPECT_NE(rows[0].html.find("Un secret"), std::string::npos) << "the preview text";
  auto p = preview_issue(a(), ana, slug, {"Sujet", "Bonjour *toi*", std::nullopt});
  ASSERT_TRUE(p.ok());
  EXPECT_NE(p->email_html.find("<em>toi</em>"), std::string::npos);
  EXPECT_NE(p->page_html.find("<em>toi</em>"), std::string::npos);
  EXPECT_TRUE(
      fails_with(preview_issue(a(), bea, slug, {"x", "y", std::nullopt}), error_code::forbidden));
}

TEST_F(Newsletter, CsvImportReportsEveryRowItRefusesAndMergesDuplicates) {
  const std::string csv =
      "Email Address,First Name,Last Name,OPTIN_TIME,Language\r\n"
      "ana.b@example.com,Ana,B,2024-03-05 12:34:56,en\r\n"
      "not-an-email,X,Y,,\r\n"
      ",No,Email,,\r\n"
      "ANA.B@example.com,Again,Dup,,\r\n"
      "\"quoted@example.com\",\"Jean, fils\",\"D\"\"Arcy\",,fr\r\n";
  auto r = import_csv(a(), ana, slug, csv);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->imported, 2);
  EXPECT_EQ(r->merged, 1);
  ASSERT_EQ(r->rejected.size(), 2u);
  EXPECT_EQ(r->rejected[0].row, 3);
  EXPECT_NE(r->rejected[0].reason.find("not an email"), std::string::npos);
  EXPECT_EQ(r->rejected[1].row, 4);
  auto list = list_subscribers(a(), ana, slug, "", 0)->subscribers;
  ASSERT_EQ(list.size(), 2u);
  const auto& first = list[1];  // newest first
  EXPECT_EQ(first.email, "ana.b@example.com");
  EXPECT_EQ(first.name, "Ana B");
  EXPECT_EQ(first.locale, "en");
  EXPECT_EQ(iso8601(first.consent.at), "2024-03-05T12:34:56.000Z");
  EXPECT_EQ(first.consent.method, "import");
  EXPECT_EQ(list[0].name, "Jean, fils D\"Arcy");
  // No email column: refused as a whole.
  EXPECT_TRUE(fails_with(import_csv(a(), ana, slug, "nom,prenom\nRoy,Zoé\n"), invalid_csv));
  EXPECT_TRUE(fails_with(import_csv(a(), bea, slug, csv), error_code::forbidden));
  // Implied consent lapses two years after it was given.
  auto implied = import_csv(a(), ana, slug,
                            "email,consent,consent date\nold@example.com,implied,2020-01-01\n");
  ASSERT_TRUE(implied.ok());
  auto old = list_subscribers(a(), ana, slug, "", 0)->subscribers[0];
  EXPECT_EQ(old.consent.kind, "implied");
  EXPECT_EQ(iso8601(*old.consent.lapses_at).substr(0, 10), "2022-01-01");
}

TEST_F(Newsletter, AnImportDoesNotUndoSomeonesNo) {
  subscribe_confirmed("zoe@example.com");
  const auto s = draft();
  ASSERT_TRUE(send_issue(a(), ana, s.it.id, std::nullopt, {false, true}).ok());
  runner.run_due();
  ASSERT_TRUE(unsubscribe(a(), unsubscribe_token_of(outbox_rows()[0])).ok());
  auto again = import_csv(a(), ana, slug, "email\nzoe@example.com\n");
  ASSERT_EQ(again->rejected.size(), 1u);
  EXPECT_NE(again->rejected[0].reason.find("unsubscribed"), std::string::npos);
  EXPECT_EQ(list_subscribers(a(), ana, slug, "unsubscribed", 0)->subscribers.size(), 1u);
}

TEST(NewsletterCsv, ReadsExcelEncodingsAndSeparators) {
  // Windows-1252: "é" is 0xE9, "’" is 0x92.
  EXPECT_EQ(csv::to_utf8("Z\xE9o l\x92"), "Zéo l’");
  // UTF-16 LE with its BOM.
  const std::string utf16(
      "\xFF\xFE"
      "e\0m\0,\0\xE9\0\n\0",
      12);
  EXPECT_EQ(csv::to_utf8(utf16), "em,é\n");
  EXPECT_EQ(csv::to_utf8("\xEF\xBB\xBF"
                         "email"),
            "email");
  const auto t = csv::parse("email;nom\na@b.c;Roy\n\n\"x\ny@z.c\";\"Le \"\"Roi\"\"\"\n", 10);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"a@b.c", "Roy"}));
  EXPECT_EQ(t.rows[2], (std::vector<std::string>{"x\ny@z.c", "Le \"Roi\""}));
  EXPECT_EQ(t.line_of[2], 4u);
  const auto capped = csv::parse("a\nb\nc\n", 2);
  EXPECT_TRUE(capped.truncated);
  EXPECT_EQ(capped.rows.size(), 2u);
}

TEST(NewsletterTokens, SignedPayloadsResistTampering) {
  const std::string key = "k";
  const auto token = tokens::unsubscribe_token(key, {3, 's', 7, 12});
  auto claim = tokens::read_unsubscribe(key, token);
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(claim->community_id, 3);
  EXPECT_EQ(claim->who, 's');
  EXPECT_EQ(claim->id, 7);
  EXPECT_EQ(claim->newsletter_id, 12);
  EXPECT_FALSE(tokens::read_unsubscribe("other key", token).has_value());
  EXPECT_FALSE(tokens::read_confirm(key, token).has_value()) << "a token of another kind";
  EXPECT_FALSE(tokens::read_form(key, tokens::form_token(key, 3, 1000), 4).has_value())
      << "another community's form";
  EXPECT_EQ(tokens::read_form(key, tokens::form_token(key, 3, 1000), 3), 1000);
}

}  // namespace
}  // namespace ps::newsletter
