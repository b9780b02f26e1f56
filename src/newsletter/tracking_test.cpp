// Open and click tracking: off unless the host turns it on; then each email has its own
// invisible image and redirected links, the footer says so, each recipient counts once, the
// host's test counts nowhere, and a forged or altered token counts nothing and is a 404.
#include "newsletter/tracking.hpp"

#include <gtest/gtest.h>

#include "invitations/service.hpp"
#include "jobs/runner.hpp"
#include "newsletter/archive.hpp"
#include "newsletter/sending.hpp"
#include "newsletter/service.hpp"
#include "newsletter/tokens.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"

namespace ps::newsletter {
namespace {

using ps::testing::fails_with;

class NewsletterTracking : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");
  caller bea = t.person("Bea", locale::en);
  std::string slug = t.community(ana, "La Fanfare");
  jobs::runner runner{*t.db, t.clock, "node-a"};

  void SetUp() override {
    auto inv = invitations::create_invitation(a(), ana, slug, {});
    ASSERT_TRUE(invitations::accept_invitation(a(), bea, inv->code).ok());
    add_jobs(runner, a());
  }
  void track(bool on) {
    ASSERT_TRUE(put_settings(a(), ana, slug, {std::nullopt, on, std::nullopt, std::nullopt}).ok());
  }
  std::int64_t send_one() {
    auto s = create_issue(
        a(), ana, slug,
        {"Le show", "Les billets : [ici](https://billets.example/show?a=1&b=2).", std::nullopt});
    EXPECT_TRUE(s.ok());
    EXPECT_TRUE(send_issue(a(), ana, s->it.id, std::nullopt, {}).ok());
    runner.run_due();
    return s->it.id;
  }
  std::vector<std::string> html_of_emails() {
    return t.db->read([](db::session& s) {
      std::vector<std::string> out;
      for (auto& r : s.query("SELECT html_body FROM outbox ORDER BY id")) out.push_back(r.text(0));
      return out;
    });
  }
  // The token after `prefix` in `html`, up to the closing quote.
  static std::string token_after(const std::string& html, const std::string& prefix) {
    const auto at = html.find(prefix);
    if (at == std::string::npos) return "";
    const auto start = at + prefix.size();
    return html.substr(start, html.find('"', start) - start);
  }
  const std::string open_prefix = "http://petite.test/api/v1/newsletter-open/";
  const std::string click_prefix = "http://petite.test/api/v1/newsletter-click/";
};

TEST_F(NewsletterTracking, OffByDefaultTheEmailHasNoPixelAndItsOwnLinks) {
  send_one();
  for (const auto& html : html_of_emails()) {
    EXPECT_EQ(html.find("newsletter-open"), std::string::npos);
    EXPECT_EQ(html.find("newsletter-click"), std::string::npos);
    EXPECT_NE(html.find("href=\"https://billets.example/show?a=1&amp;b=2\""), std::string::npos);
    EXPECT_EQ(html.find("compte les ouvertures"), std::string::npos);
  }
}

TEST_F(NewsletterTracking, OnEachRecipientCountsOnceForOpensAndForEachLink) {
  track(true);
  const std::int64_t id = send_one();
  const auto emails = html_of_emails();
  ASSERT_EQ(emails.size(), 2u);
  EXPECT_NE(emails[0].find("compte les ouvertures"), std::string::npos) << "the footer says so";
  EXPECT_NE(emails[1].find("counts opens"), std::string::npos);
  const std::string ana_open = token_after(emails[0], open_prefix);
  const std::string bea_open = token_after(emails[1], open_prefix);
  const std::string bea_click = token_after(emails[1], click_prefix);
  ASSERT_FALSE(ana_open.empty());
  ASSERT_FALSE(bea_click.empty());
  EXPECT_NE(ana_open, bea_open) << "each email its own";
  EXPECT_EQ(emails[0].find("ana@example.com\""), std::string::npos);

  ASSERT_TRUE(tracking::record_open(a(), ana_open).ok());
  ASSERT_TRUE(tracking::record_open(a(), ana_open).ok());  // opened again: still one
  auto to = tracking::follow_click(a(), bea_click);
  ASSERT_TRUE(to.ok());
  EXPECT_EQ(*to, "https://billets.example/show?a=1&b=2") << "the link as written";
  ASSERT_TRUE(tracking::follow_click(a(), bea_click).ok());

  auto got = get_issue(a(), ana, id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->report->opened, 2) << "a click is an open";
  EXPECT_EQ(got->report->clicked, 1);
  ASSERT_EQ(got->report->links.size(), 1u);
  EXPECT_EQ(got->report->links[0].url, "https://billets.example/show?a=1&b=2");
  EXPECT_EQ(got->report->links[0].clicked, 1);

  // Forged or altered: a 404, nothing counted.
  std::string altered = bea_click;
  altered[altered.size() - 3] = altered[altered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(fails_with(tracking::follow_click(a(), altered), error_code::not_found));
  EXPECT_TRUE(fails_with(tracking::record_open(a(), "abc.def"), error_code::not_found));
  const std::string forged = tokens::click_token("not our key", id, "x", "https://evil.example/");
  EXPECT_TRUE(fails_with(tracking::follow_click(a(), forged), error_code::not_found));

  // Turned off: links keep working, nothing more is counted.
  track(false);
  const std::string ana_click = token_after(emails[0], click_prefix);
  EXPECT_TRUE(tracking::follow_click(a(), ana_click).ok());
  EXPECT_EQ(get_issue(a(), ana, id)->report->clicked, 1);
}

TEST_F(NewsletterTracking, TheHostsTestEmailCountsNowhere) {
  track(true);
  auto s = create_issue(a(), ana, slug, {"Test", "Voir [ici](https://example.org/)", std::nullopt});
  ASSERT_TRUE(send_test(a(), ana, s->it.id).ok());
  const auto emails = html_of_emails();
  ASSERT_EQ(emails.size(), 1u);
  const std::string open = token_after(emails[0], open_prefix);
  ASSERT_FALSE(open.empty()) << "the test looks like the real email";
  ASSERT_TRUE(tracking::record_open(a(), open).ok());
  EXPECT_EQ(get_issue(a(), ana, s->it.id)->report->opened, 0);
}

// The web archive of subscribers (who have no account) is reached by a signed link, only for an
// issue sent to subscribers.
TEST_F(NewsletterTracking, SubscribersReadTheArchiveThroughASignedLink) {
  const std::int64_t id = send_one();
  const auto key = t.db->read([](db::session& s) { return tokens::existing_key(s); });
  ASSERT_TRUE(key.has_value());
  auto got = open_archive(a(), archive_token(*key, id));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->it.subject, "Le show");
  EXPECT_NE(got->html.find("billets.example"), std::string::npos);
  EXPECT_TRUE(
      fails_with(open_archive(a(), archive_token("not our key", id)), error_code::not_found));
  EXPECT_TRUE(fails_with(open_archive(a(), archive_token(*key, id + 1)), error_code::not_found));
  // A draft, or an issue for members only, has no public archive.
  auto d = create_issue(a(), ana, slug, {"Brouillon", "texte", std::nullopt});
  EXPECT_TRUE(fails_with(open_archive(a(), archive_token(*key, d->it.id)), error_code::not_found));
}

TEST(NewsletterTrackingLinks, OnlyWebLinksAreRedirectedAndLongOnesKept) {
  const std::string html =
      "<a href=\"https://a.example/x?p=1&amp;q=2\">a</a> <a href=\"mailto:ana@example.com\">m</a> "
      "<a href=\"https://b.example/" +
      std::string(tracking::max_tracked_url, 'z') + "\">long</a>";
  const std::string out = tracking::with_tracked_links(html, "k", 5, "tag", "https://ps.test");
  EXPECT_NE(out.find("href=\"https://ps.test/api/v1/newsletter-click/"), std::string::npos);
  EXPECT_NE(out.find("href=\"mailto:ana@example.com\""), std::string::npos);
  EXPECT_NE(out.find(std::string(tracking::max_tracked_url, 'z')), std::string::npos);
  const auto at = out.find("newsletter-click/") + std::string("newsletter-click/").size();
  auto claim = tokens::read_click("k", out.substr(at, out.find('"', at) - at));
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(claim->url, "https://a.example/x?p=1&q=2");
  EXPECT_EQ(claim->newsletter_id, 5);
  EXPECT_EQ(claim->tag, "tag");
  EXPECT_FALSE(tokens::read_open("k", out.substr(at, out.find('"', at) - at)).has_value())
      << "a click token is no open token";
}

}  // namespace
}  // namespace ps::newsletter
