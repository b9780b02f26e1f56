// The images of an issue (newsletter/images.hpp) on a temporary database (SQLite, or PostgreSQL
// when the run has one): the files its body shows are attached to it when it is saved and
// released when it stops showing them or is deleted; only the host's own free uploads attach;
// the emails show them through signed links that a forged token does not open.
#include "files/images.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "chat/service.hpp"
#include "files/errors.hpp"
#include "files/service.hpp"
#include "files/store.hpp"
#include "invitations/service.hpp"
#include "jobs/runner.hpp"
#include "newsletter/errors.hpp"
#include "newsletter/images.hpp"
#include "newsletter/sending.hpp"
#include "newsletter/service.hpp"
#include "newsletter/tokens.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"

namespace ps::newsletter {
namespace {

using ps::testing::fails_with;

class NewsletterImages : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");  // the owner
  caller bea = t.person("Bea");  // a member
  std::string slug = t.community(ana, "La Fanfare");
  jobs::runner runner{*t.db, t.clock, "node-a"};
  std::filesystem::path samples = t.dir.path() / "samples";
  int made = 0;

  void SetUp() override {
    http::prepare_temp_folder(http::temp_folder(t.cfg.data_dir));
    std::filesystem::create_directories(samples);
    auto inv = invitations::create_invitation(a(), ana, slug, {});
    ASSERT_TRUE(invitations::accept_invitation(a(), bea, inv->code).ok());
    add_jobs(runner, a());
  }

  // A small PNG of its own content (each upload a new blob), uploaded by `who`.
  files::file_info png(const caller& who) {
    const auto p = samples / ("p" + std::to_string(++made) + ".png");
    if (!files::write_sample_image(p, "png", 20 + made, 10)) throw std::runtime_error("vips");
    auto body = http::temp_file::create(http::temp_folder(t.cfg.data_dir));
    std::ifstream in(p, std::ios::binary);
    body.append(std::string(std::istreambuf_iterator<char>(in), {}));
    body.finish();
    auto f = files::upload(a(), who, slug, "photo.png", body);
    if (!f) throw std::runtime_error("upload failed");
    return *f;
  }
  static std::string shows(std::int64_t id) {
    return "![la scène](/api/v1/files/" + std::to_string(id) + ")";
  }
  std::optional<files::file_info> file(std::int64_t id) {
    return t.db->read([&](db::session& s) { return files::store::file_by_id(s, id); });
  }
  bool attached_to(std::int64_t file_id, std::int64_t issue_id) {
    auto f = file(file_id);
    return f && f->item_kind == files::on_newsletter && f->item_id == issue_id && !f->channel_id;
  }
  std::vector<std::string> outbox_html() {
    return t.db->read([](db::session& s) {
      std::vector<std::string> out;
      for (auto& r : s.query("SELECT html_body FROM outbox ORDER BY id")) out.push_back(r.text(0));
      return out;
    });
  }
};

TEST(NewsletterImageIds, OnlyImagesOfTheFilesRouteEachOnce) {
  EXPECT_EQ(image_ids("![a](/api/v1/files/12) ![b](/api/v1/files/7/preview)\n\n![a again]("
                      "/api/v1/files/12) [a link](/api/v1/files/9) ![far](https://ailleurs.test/"
                      "api/v1/files/8) ![odd](/api/v1/files/3x) ![zero](/api/v1/files/0)"),
            (std::vector<std::int64_t>{12, 7}));
  EXPECT_TRUE(image_ids("`![code](/api/v1/files/4)`").empty());
}

TEST(NewsletterImageIds, TheRewriteSignsOnlyTheIssuesOwnImages) {
  const std::string html =
      "<p><img style=\"x\" src=\"http://petite.test/api/v1/files/12\" alt=\"a\"> <img "
      "src=\"http://petite.test/api/v1/files/13/preview\" alt=\"b\"> <img "
      "src=\"http://petite.test/api/v1/files/5\" alt=\"not ours\"></p>";
  const std::int64_t ours[] = {12, 13};
  const std::string out = with_signed_images(html, "http://petite.test", "k3y", 4, ours);
  const std::string first =
      "http://petite.test/api/v1/newsletter-images/" + image_token("k3y", 4, 12);
  const std::string second =
      "http://petite.test/api/v1/newsletter-images/" + image_token("k3y", 4, 13);
  EXPECT_NE(out.find("src=\"" + first + "\" alt=\"a\""), std::string::npos) << out;
  EXPECT_NE(out.find("src=\"" + second + "\" alt=\"b\""), std::string::npos) << out;
  EXPECT_NE(out.find("src=\"http://petite.test/api/v1/files/5\""), std::string::npos) << out;
  EXPECT_EQ(with_signed_images(html, "http://petite.test", "", 4, ours), html) << "no key yet";

  auto claim = read_image_token("k3y", image_token("k3y", 4, 12));
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(claim->issue_id, 4);
  EXPECT_EQ(claim->file_id, 12);
  std::string forged = image_token("k3y", 4, 12);
  forged[1] = forged[1] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(read_image_token("k3y", forged).has_value());
  EXPECT_FALSE(read_image_token("other", image_token("k3y", 4, 12)).has_value());
  EXPECT_FALSE(read_image_token("k3y", tokens::sign("k3y", "u|1|m|2|4")).has_value())
      << "another link's token";
  EXPECT_FALSE(read_image_token("k3y", tokens::sign("k3y", "i|4|x")).has_value());
  EXPECT_FALSE(read_image_token("", image_token("", 4, 12)).has_value());
}

TEST_F(NewsletterImages, SavingAttachesWhatTheBodyShowsAndReleasesTheRest) {
  const auto first = png(ana);
  const auto second = png(ana);
  auto s = create_issue(a(), ana, slug, {"Photos", "Voici :\n\n" + shows(first.id), std::nullopt});
  ASSERT_TRUE(s.ok());
  const std::int64_t id = s->it.id;
  EXPECT_TRUE(attached_to(first.id, id));
  EXPECT_NE(s->html.find("src=\"http://petite.test/api/v1/files/" + std::to_string(first.id)),
            std::string::npos)
      << "the archive page keeps the cookie's URL";
  // Hosts may download it; a member may not, as long as the issue is not sent to them.
  EXPECT_TRUE(files::open_for(a(), ana, first.id, files::variant::original).ok());
  EXPECT_TRUE(fails_with(files::open_for(a(), bea, first.id, files::variant::original),
                         error_code::not_found));
  // Attached, it is no longer the uploader's to take back, and the sweeper leaves it.
  EXPECT_TRUE(fails_with(files::remove_upload(a(), ana, first.id), files::file_in_use));
  t.clock.advance(2 * files::unattached_lifetime);
  const auto old = t.db->read(
      [&](db::session& ss) { return files::store::unattached_before(ss, t.clock.now(), 100); });
  EXPECT_EQ(std::count(old.begin(), old.end(), first.id), 0);
  EXPECT_EQ(std::count(old.begin(), old.end(), second.id), 1) << "not attached yet";

  // Saved again as it is: fine. Then the second instead of the first: the first goes.
  ASSERT_TRUE(
      update_issue(a(), ana, id, {std::nullopt, "Voici :\n\n" + shows(first.id), std::nullopt})
          .ok());
  ASSERT_TRUE(
      update_issue(a(), ana, id, {std::nullopt, shows(second.id) + " encore", std::nullopt}).ok());
  EXPECT_FALSE(file(first.id).has_value());
  EXPECT_TRUE(attached_to(second.id, id));
  // A change of the subject alone leaves the images as they are.
  ASSERT_TRUE(update_issue(a(), ana, id, {"Photos !", std::nullopt, std::nullopt}).ok());
  EXPECT_TRUE(attached_to(second.id, id));
  // Deleting the draft releases them.
  ASSERT_TRUE(delete_issue(a(), ana, id).ok());
  EXPECT_FALSE(file(second.id).has_value());
}

TEST_F(NewsletterImages, OnlyTheHostsOwnFreeUploadsAttach) {
  const auto hers = png(bea);
  auto r = create_issue(a(), ana, slug, {"x", shows(hers.id), std::nullopt});
  EXPECT_TRUE(fails_with(r, image_not_attachable));
  EXPECT_EQ(r.error().field, "body");
  EXPECT_EQ(list_issues(a(), ana, slug)->size(), 0u) << "the refused issue was not written";
  EXPECT_FALSE(file(hers.id)->item_kind.has_value());

  // One of Ana's, attached to a chat message already.
  const auto sent = png(ana);
  const auto room = chat::create_channel(a(), ana, slug, "général", "chat")->id;
  chat::new_message m;
  m.body = "la voici";
  m.file_ids = {sent.id};
  ASSERT_TRUE(chat::post_message(a(), ana, room, m).ok());
  EXPECT_TRUE(fails_with(create_issue(a(), ana, slug, {"x", shows(sent.id), std::nullopt}),
                         image_not_attachable));
  EXPECT_TRUE(fails_with(create_issue(a(), ana, slug, {"x", shows(424242), std::nullopt}),
                         image_not_attachable));

  // One of another issue.
  const auto mine = png(ana);
  auto one = create_issue(a(), ana, slug, {"un", shows(mine.id), std::nullopt});
  ASSERT_TRUE(one.ok());
  auto two = create_issue(a(), ana, slug, {"deux", "rien", std::nullopt});
  EXPECT_TRUE(
      fails_with(update_issue(a(), ana, two->it.id, {std::nullopt, shows(mine.id), std::nullopt}),
                 image_not_attachable));
  EXPECT_TRUE(attached_to(mine.id, one->it.id)) << "the refused update changed nothing";

  std::string many;
  for (int i = 1; i <= 21; ++i) many += shows(1000 + i) + "\n\n";
  EXPECT_TRUE(fails_with(create_issue(a(), ana, slug, {"x", many, std::nullopt}), too_many_images));
}

TEST_F(NewsletterImages, TheEmailsShowThemThroughSignedLinks) {
  const auto photo = png(ana);
  auto s = create_issue(a(), ana, slug, {"Photos", "Voici\n\n" + shows(photo.id), std::nullopt});
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(send_issue(a(), ana, s->it.id, std::nullopt, {}).ok());
  runner.run_due();
  const auto sent = outbox_html();
  ASSERT_EQ(sent.size(), 2u);  // Ana, Bea
  const std::string prefix = "src=\"http://petite.test/api/v1/newsletter-images/";
  for (const auto& html : sent) {
    EXPECT_NE(html.find(prefix), std::string::npos) << html;
    EXPECT_EQ(html.find("/api/v1/files/"), std::string::npos) << html;
  }
  const auto at = sent[0].find(prefix) + prefix.size();
  const std::string token = sent[0].substr(at, sent[0].find('"', at) - at);
  auto served = open_image(a(), token);
  ASSERT_TRUE(served.ok());
  EXPECT_EQ(served->content_type, "image/png");
  EXPECT_TRUE(std::filesystem::exists(served->path));
  std::string altered = token;
  altered[altered.size() - 2] = altered[altered.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(fails_with(open_image(a(), altered), error_code::not_found));
  const std::string key = *t.db->read([](db::session& ss) { return tokens::existing_key(ss); });
  EXPECT_TRUE(
      fails_with(open_image(a(), image_token(key, s->it.id + 1, photo.id)), error_code::not_found))
      << "signed, but for another issue";
  // Sent to the members: they may download it with their cookie too (the archive page).
  EXPECT_TRUE(files::open_for(a(), bea, photo.id, files::variant::original).ok());
}

TEST_F(NewsletterImages, TheTestEmailsLinksOpenUntilTheImageLeavesTheDraft) {
  const auto photo = png(ana);
  auto s = create_issue(a(), ana, slug, {"Photos", shows(photo.id), std::nullopt});
  ASSERT_TRUE(send_test(a(), ana, s->it.id).ok());
  const auto sent = outbox_html();
  ASSERT_EQ(sent.size(), 1u);
  const std::string prefix = "/api/v1/newsletter-images/";
  const auto at = sent[0].find(prefix);
  ASSERT_NE(at, std::string::npos) << "the first test email already has its key: " << sent[0];
  const std::string token =
      sent[0].substr(at + prefix.size(), sent[0].find('"', at) - at - prefix.size());
  EXPECT_TRUE(open_image(a(), token).ok());
  ASSERT_TRUE(update_issue(a(), ana, s->it.id, {std::nullopt, "plus d’image", std::nullopt}).ok());
  EXPECT_TRUE(fails_with(open_image(a(), token), error_code::not_found));
}

}  // namespace
}  // namespace ps::newsletter
