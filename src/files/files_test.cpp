// Files and images on a temporary database (SQLite, or PostgreSQL when the run has one): what
// an upload becomes (type from the bytes, metadata gone, orientation applied, a preview), the
// same content stored once, who may download what, attaching to messages, posts and comments,
// what deleting frees, the quota, and the sweeper.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "board/service.hpp"
#include "chat/service.hpp"
#include "communities/service.hpp"
#include "files/errors.hpp"
#include "files/images.hpp"
#include "files/service.hpp"
#include "files/sniff.hpp"
#include "files/sweeper.hpp"
#include "invitations/service.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"

namespace ps::files {
namespace {

using ps::testing::fails_with;

class Files : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");  // the owner
  caller bea = t.person("Bea");  // a member
  caller eve = t.person("Eve");  // a member of another community only
  std::string slug = t.community(ana);
  std::string other = t.community(eve, "Ailleurs");
  std::int64_t room = 0;
  std::int64_t board = 0;
  std::filesystem::path samples = t.dir.path() / "samples";

  void SetUp() override {
    http::prepare_temp_folder(http::temp_folder(t.cfg.data_dir));
    std::filesystem::create_directories(samples);
    auto inv = invitations::create_invitation(a(), ana, slug, {});
    ASSERT_TRUE(inv.ok());
    ASSERT_TRUE(invitations::accept_invitation(a(), bea, inv->code).ok());
    room = chat::create_channel(a(), ana, slug, "général", "chat")->id;
    board = chat::create_channel(a(), ana, slug, "babillard", "board")->id;
  }

  // The bytes of a file as an upload received in DATA/tmp.
  http::temp_file received(const std::string& bytes) {
    auto f = http::temp_file::create(http::temp_folder(t.cfg.data_dir));
    f.append(bytes);
    f.finish();
    return f;
  }
  static std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  std::string sample(std::string_view format, int w, int h, int orientation = 1,
                     bool location = false) {
    const auto p = samples / (std::string(format) + std::to_string(w) + "x" + std::to_string(h) +
                              "-" + std::to_string(orientation));
    EXPECT_TRUE(write_sample_image(p, format, w, h, orientation, location)) << format;
    return read_all(p);
  }
  result<file_info> sent(const caller& who, const std::string& name, const std::string& bytes,
                         const std::string& community = "") {
    auto body = received(bytes);
    return upload(a(), who, community.empty() ? slug : community, name, body);
  }
  file_info uploaded(const caller& who, const std::string& name, const std::string& bytes) {
    auto f = sent(who, name, bytes);
    if (!f) throw std::runtime_error("upload: " + std::string(code_name(f.error())));
    return *f;
  }
  std::filesystem::path stored(const file_info& f, variant v = variant::original) {
    return blob_path(files_folder(t.cfg), f.community_id, f.sha256, f.blob_id, v);
  }
  std::size_t files_on_disk() {
    std::size_t n = 0;
    const auto folder = files_folder(t.cfg);
    if (!std::filesystem::exists(folder)) return 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(folder))
      if (e.is_regular_file()) ++n;
    return n;
  }
  chat::message posted(const caller& who, std::vector<std::int64_t> ids, std::string body = "") {
    chat::new_message m;
    m.body = std::move(body);
    m.file_ids = std::move(ids);
    auto out = chat::post_message(a(), who, room, m);
    if (!out) throw std::runtime_error("post: " + std::string(code_name(out.error())));
    return *out;
  }
};

TEST(Sniffing, TheContentDecidesNotTheName) {
  testing::temp_dir dir;
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir.path() / name, std::ios::binary) << bytes;
    return dir.path() / name;
  };
  EXPECT_EQ(sniff_type(write("a.jpg", "<!DOCTYPE html><html><script>alert(1)</script></html>")),
            "text/html");
  EXPECT_EQ(sniff_type(write("notes", "Bonjour, voici les notes de la répétition.\n")),
            "text/plain");
  EXPECT_EQ(sniff_type(write("gif", "GIF89a\x01\x00\x01\x00\x00\x00\x00")), "image/gif");
  EXPECT_EQ(sniff_type(dir.path() / "missing"), "application/octet-stream");

  EXPECT_TRUE(name_matches_type("photo.JPG", "image/jpeg"));
  EXPECT_FALSE(name_matches_type("photo.jpg", "text/html"));
  EXPECT_FALSE(name_matches_type("notes.txt", "application/x-dosexec"));
  EXPECT_TRUE(name_matches_type("notes.txt", "text/x-c"));
  EXPECT_TRUE(name_matches_type("sans-extension", "application/x-dosexec"));
  EXPECT_TRUE(name_matches_type("archive.inconnue", "application/zip"));
}

TEST(Inline, OnlyWhatCannotRunScriptIsShownInThePage) {
  EXPECT_TRUE(shown_inline("image/jpeg"));
  EXPECT_TRUE(shown_inline("video/mp4"));
  EXPECT_FALSE(shown_inline("text/html"));
  EXPECT_FALSE(shown_inline("image/svg+xml"));
  EXPECT_FALSE(shown_inline("application/pdf"));
  EXPECT_FALSE(shown_inline("application/x-dosexec"));
}

TEST_F(Files, APhotoLosesItsLocationAndStandsUpright) {
  // 640×480 as the sensor saw it, "rotate 90°" in its EXIF, with a GPS position.
  const std::string photo = sample("jpeg", 640, 480, 6, true);
  ASSERT_TRUE(metadata_field(samples / "jpeg640x480-6", "exif-ifd3-GPSLatitude").has_value());
  auto f = uploaded(bea, "IMG_0042.jpg", photo);
  EXPECT_EQ(f.content_type, "image/jpeg");
  EXPECT_EQ(f.name, "IMG_0042.jpg");
  EXPECT_EQ(f.width, 480);  // as shown: turned
  EXPECT_EQ(f.height, 640);
  EXPECT_TRUE(f.has_variants);
  EXPECT_FALSE(metadata_field(stored(f), "exif-ifd3-GPSLatitude").has_value());
  EXPECT_FALSE(metadata_field(stored(f), "exif-ifd0-Make").has_value());
  EXPECT_EQ(image_dimensions(stored(f)), (std::pair{480, 640}));
  EXPECT_EQ(image_dimensions(stored(f, variant::preview)), (std::pair{480, 640}));
  const auto thumb = image_dimensions(stored(f, variant::thumbnail));
  ASSERT_TRUE(thumb);
  EXPECT_EQ(thumb->second, thumbnail_size);
  EXPECT_EQ(thumb->first, 300);
  EXPECT_EQ(sniff_type(stored(f, variant::preview)), "image/webp");

  const auto json = to_json(f);
  EXPECT_EQ(json["kind"], "image");
  EXPECT_EQ(json["url"], "/api/v1/files/" + std::to_string(f.id));
  EXPECT_EQ(json["preview_url"], "/api/v1/files/" + std::to_string(f.id) + "/preview");
  EXPECT_EQ(json["thumbnail_url"], "/api/v1/files/" + std::to_string(f.id) + "/thumbnail");
  EXPECT_EQ(json["inline"], true);
  EXPECT_EQ(json["size"], f.size);
}

TEST_F(Files, AnIphonePhotoBecomesAJpeg) {
  auto f = uploaded(bea, "IMG_1234.HEIC", sample("heic", 320, 240));
  EXPECT_EQ(f.content_type, "image/jpeg");
  EXPECT_EQ(f.name, "IMG_1234.jpg");
  EXPECT_EQ(sniff_type(stored(f)), "image/jpeg");
  EXPECT_EQ(f.width, 320);
}

TEST_F(Files, AGifIsKeptAsSentSoThatItMoves) {
  const std::string gif = sample("gif", 64, 48);
  auto f = uploaded(bea, "danse.gif", gif);
  EXPECT_EQ(f.content_type, "image/gif");
  EXPECT_EQ(f.width, 64);
  EXPECT_EQ(f.height, 48);
  EXPECT_FALSE(f.has_variants);
  EXPECT_EQ(read_all(stored(f)), gif);
  EXPECT_EQ(to_json(f)["preview_url"], "/api/v1/files/" + std::to_string(f.id));
}

TEST_F(Files, OtherFilesAreStoredAsTheyCame) {
  const std::string text = "Setlist : 1. Intro 2. La complainte 3. Rappel\n";
  auto f = uploaded(bea, "setlist.txt", text);
  EXPECT_EQ(f.content_type, "text/plain");
  EXPECT_FALSE(f.width.has_value());
  EXPECT_EQ(f.size, static_cast<std::int64_t>(text.size()));
  EXPECT_EQ(read_all(stored(f)), text);
  EXPECT_EQ(to_json(f)["kind"], "file");
  EXPECT_FALSE(to_json(f).contains("preview_url"));

  // HTML is stored, and only ever sent as a download (open_for below).
  auto page = uploaded(bea, "page.html", "<html><body><script>alert(1)</script></body></html>");
  EXPECT_EQ(page.content_type, "text/html");
  EXPECT_EQ(to_json(page)["inline"], false);
  auto served = open_for(a(), bea, page.id, variant::original);
  ASSERT_TRUE(served.ok());
  EXPECT_EQ(served->download_name, "page.html");
}

TEST_F(Files, BadUploadsAreRefusedAndLeaveNothing) {
  EXPECT_TRUE(fails_with(sent(bea, "photo.jpg", "<html><script>alert(1)</script></html>"),
                         file_type_mismatch));
  EXPECT_TRUE(fails_with(sent(bea, "", "abc"), error_code::invalid_field, "name"));
  EXPECT_TRUE(fails_with(sent(bea, "   ", "abc"), error_code::invalid_field, "name"));
  EXPECT_TRUE(
      fails_with(sent(bea, std::string(201, 'a'), "abc"), error_code::invalid_field, "name"));
  EXPECT_TRUE(fails_with(sent(bea, "a\xff.txt", "abc"), error_code::invalid_field, "name"));
  EXPECT_TRUE(
      fails_with(sent(bea, "evil\xe2\x80\xaegpj.exe", "abc"), error_code::invalid_field, "name"));
  EXPECT_TRUE(fails_with(sent(bea, "vide.txt", ""), error_code::invalid_field, "file"));
  // Not a member of that community: as if it did not exist.
  EXPECT_TRUE(fails_with(sent(bea, "a.txt", "abc", other), error_code::not_found));

  // A truncated JPEG, and bytes that only start like one.
  std::string photo = sample("jpeg", 400, 300);
  EXPECT_TRUE(
      fails_with(sent(bea, "coupee.jpg", photo.substr(0, photo.size() / 2)), image_unreadable));
  EXPECT_TRUE(fails_with(sent(bea, "faux.jpg", "\xff\xd8\xff\xe0 not really a jpeg at all"),
                         image_unreadable));
  EXPECT_EQ(files_on_disk(), 0u);
  const auto id = communities::access_community(a(), ana, slug)->place.id;
  EXPECT_EQ(a().db.read([&](db::session& s) { return store::usage_of(s, id).files; }), 0);
}

TEST_F(Files, AnImageBombIsRefusedFromItsHeader) {
  // A PNG whose header says 20000×20000 (400 Mpx) and whose data is a few bytes: refused
  // before any decoding (which would need 1.2 GB).
  auto crc32 = [](std::string_view bytes) {
    std::uint32_t c = 0xffffffffu;
    for (unsigned char b : bytes) {
      c ^= b;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
  };
  auto png = [&](std::uint32_t w, std::uint32_t h) {
    std::string out = "\x89PNG\r\n\x1a\n";
    auto be32 = [](std::string& to, std::uint32_t v) {
      for (int s = 24; s >= 0; s -= 8) to += static_cast<char>((v >> s) & 0xff);
    };
    auto chunk = [&](std::string_view type, const std::string& data) {
      be32(out, static_cast<std::uint32_t>(data.size()));
      const std::string typed = std::string(type) + data;
      out += typed;
      be32(out, crc32(typed));
    };
    std::string header;
    be32(header, w);
    be32(header, h);
    header += std::string("\x08\x02\x00\x00\x00", 5);
    chunk("IHDR", header);
    chunk("IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8));  // an empty stream
    chunk("IEND", "");
    return out;
  };
  EXPECT_TRUE(fails_with(sent(bea, "bombe.png", png(20000, 20000)), image_too_large));
  // The same file at a believable size is decoded, and its missing pixels found.
  EXPECT_TRUE(fails_with(sent(bea, "vide.png", png(100, 100)), image_unreadable));
  EXPECT_EQ(files_on_disk(), 0u);
}

TEST_F(Files, TheSameContentIsStoredOnceAndFreedWithItsLastUse) {
  const std::string photo = sample("png", 200, 100);
  auto first = uploaded(bea, "a.png", photo);
  auto second = uploaded(ana, "b.png", photo);
  EXPECT_NE(first.id, second.id);
  EXPECT_EQ(first.blob_id, second.blob_id);
  EXPECT_EQ(second.name, "b.png");
  EXPECT_EQ(files_on_disk(), 3u);  // one original, one preview, one thumbnail

  // Another community's copy is its own (no one learns what another community holds).
  auto inv = invitations::create_invitation(a(), eve, other, {});
  ASSERT_TRUE(invitations::accept_invitation(a(), bea, inv->code).ok());
  auto elsewhere = sent(bea, "c.png", photo, other);
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_NE(elsewhere->blob_id, first.blob_id);
  EXPECT_EQ(files_on_disk(), 6u);

  auto m = posted(bea, {first.id});
  ASSERT_TRUE(remove_upload(a(), ana, second.id).ok());
  EXPECT_EQ(files_on_disk(), 6u);  // still used by Bea's message
  ASSERT_TRUE(chat::delete_message(a(), bea, m.id).ok());
  EXPECT_EQ(files_on_disk(), 3u);  // only the other community's
  EXPECT_TRUE(fails_with(open_for(a(), bea, first.id, variant::original), error_code::not_found));
}

TEST_F(Files, AMessageCarriesItsFilesEverywhereItIsRead) {
  auto photo = uploaded(bea, "scene.png", sample("png", 300, 200));
  auto notes = uploaded(bea, "notes.txt", "paroles\n");
  auto m = posted(bea, {photo.id, notes.id});
  EXPECT_EQ(m.body, "");
  ASSERT_EQ(m.files.size(), 2u);
  EXPECT_EQ(m.files[0].id, photo.id);
  EXPECT_EQ(m.files[1].id, notes.id);

  auto page = chat::history(a(), ana, room, {});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->back().files.size(), 2u);
  EXPECT_EQ(page->back().files[0].name, "scene.png");
  auto latest = chat::latest_page_json(a(), ana, room, 50);
  auto json = nlohmann::json::parse(*latest);
  EXPECT_EQ(json["messages"].back()["files"][1]["name"], "notes.txt");
  EXPECT_EQ(json["messages"].back()["files"][0]["width"], 300);

  // Ana may see the room: she may download them; once deleted, nobody may.
  EXPECT_TRUE(open_for(a(), ana, photo.id, variant::thumbnail).ok());
  ASSERT_TRUE(chat::delete_message(a(), ana, m.id).ok());
  EXPECT_TRUE(fails_with(open_for(a(), ana, photo.id, variant::original), error_code::not_found));
  auto after = chat::history(a(), ana, room, {});
  EXPECT_TRUE(after->back().files.empty());
}

TEST_F(Files, OnlyOnesOwnFreshUploadsOfTheRoomsCommunityAttach) {
  auto mine = uploaded(bea, "a.txt", "a\n");
  auto hers = uploaded(ana, "b.txt", "b\n");
  chat::new_message m;
  m.body = "voici";
  m.file_ids = {hers.id};
  EXPECT_TRUE(
      fails_with(chat::post_message(a(), bea, room, m), error_code::invalid_field, "file_ids"));
  m.file_ids = {mine.id, mine.id};
  EXPECT_TRUE(
      fails_with(chat::post_message(a(), bea, room, m), error_code::invalid_field, "file_ids"));
  m.file_ids = {999999};
  EXPECT_TRUE(
      fails_with(chat::post_message(a(), bea, room, m), error_code::invalid_field, "file_ids"));
  m.file_ids = std::vector<std::int64_t>(11, mine.id);
  EXPECT_TRUE(
      fails_with(chat::post_message(a(), bea, room, m), error_code::invalid_field, "file_ids"));
  // A refused post wrote nothing: the file is still free to attach, once.
  m.file_ids = {mine.id};
  ASSERT_TRUE(chat::post_message(a(), bea, room, m).ok());
  EXPECT_TRUE(
      fails_with(chat::post_message(a(), bea, room, m), error_code::invalid_field, "file_ids"));
  EXPECT_TRUE(fails_with(remove_upload(a(), bea, mine.id), file_in_use));
  // A file uploaded in another community does not go into this one's rooms.
  auto inv = invitations::create_invitation(a(), eve, other, {});
  ASSERT_TRUE(invitations::accept_invitation(a(), bea, inv->code).ok());
  auto foreign = sent(bea, "c.txt", "c\n", other);
  m.file_ids = {foreign->id};
  EXPECT_TRUE(
      fails_with(chat::post_message(a(), bea, room, m), error_code::invalid_field, "file_ids"));
  // Without files, a body is still needed.
  m.file_ids = {};
  m.body = "  ";
  EXPECT_TRUE(fails_with(chat::post_message(a(), bea, room, m), error_code::invalid_field, "body"));
}

TEST_F(Files, WhoMayDownloadIsWhoMaySeeTheRoom) {
  auto f = uploaded(bea, "a.txt", "secret\n");
  // Not attached yet: its uploader only.
  EXPECT_TRUE(open_for(a(), bea, f.id, variant::original).ok());
  EXPECT_TRUE(fails_with(open_for(a(), ana, f.id, variant::original), error_code::not_found));
  posted(bea, {f.id}, "le voici");
  EXPECT_TRUE(open_for(a(), ana, f.id, variant::original).ok());
  EXPECT_TRUE(fails_with(open_for(a(), eve, f.id, variant::original), error_code::not_found));
  EXPECT_TRUE(fails_with(open_for(a(), eve, 424242, variant::original), error_code::not_found));
  // Removed from the community, Bea loses it at once, her own upload included.
  ASSERT_TRUE(communities::remove_member(a(), ana, slug, bea.account_id).ok());
  EXPECT_TRUE(fails_with(open_for(a(), bea, f.id, variant::original), error_code::not_found));
  EXPECT_TRUE(open_for(a(), ana, f.id, variant::original).ok());
}

TEST_F(Files, PostsAndCommentsTakeFilesAndGiveThemBackWhenRemoved) {
  auto cover = uploaded(bea, "affiche.png", sample("png", 120, 80));
  auto p = board::create_post(a(), bea, board, {"Spectacle", "", {cover.id}});
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->files.size(), 1u);
  auto sheet = uploaded(ana, "plan.txt", "plan de scène\n");
  auto c = board::create_comment(a(), ana, p->id, {"", std::nullopt, {sheet.id}});
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->files.size(), 1u);
  auto listed = board::list_posts(a(), ana, board);
  ASSERT_EQ(listed->front().files.size(), 1u);
  EXPECT_EQ(listed->front().files[0].name, "affiche.png");
  auto comments = board::list_comments(a(), bea, p->id);
  ASSERT_EQ(comments->comments.front().files.size(), 1u);
  EXPECT_EQ(board::to_json(comments->comments.front())["files"][0]["name"], "plan.txt");
  // The post goes, and its comments' files with it.
  const std::size_t before = files_on_disk();
  ASSERT_TRUE(board::delete_post(a(), bea, p->id).ok());
  EXPECT_EQ(files_on_disk(), before - 4);
  EXPECT_TRUE(fails_with(open_for(a(), ana, sheet.id, variant::original), error_code::not_found));
}

TEST_F(Files, TheQuotaStopsTheUploadThatWouldPassIt) {
  t.cfg.max_community_storage_mib = 1;
  auto small = sent(bea, "a.txt", std::string(600 * 1024, 'a'));
  ASSERT_TRUE(small.ok());
  EXPECT_TRUE(fails_with(sent(bea, "b.txt", std::string(600 * 1024, 'b')), storage_full));
  // The same content again takes no room.
  EXPECT_TRUE(sent(ana, "a-again.txt", std::string(600 * 1024, 'a')).ok());
  auto report = storage_of(a(), ana, slug);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->usage.used_bytes, 600 * 1024);
  EXPECT_EQ(report->usage.files, 2);
  EXPECT_EQ(report->limit_bytes, 1024 * 1024);
  EXPECT_TRUE(fails_with(storage_of(a(), bea, slug), error_code::forbidden));
}

TEST_F(Files, TheSizeLimitIsTheOperators) {
  t.cfg.max_upload_mib = 1;
  EXPECT_TRUE(fails_with(sent(bea, "gros.txt", std::string(1024 * 1024 + 1, 'x')),
                         error_code::payload_too_large));
}

TEST_F(Files, UploadsNeverSentGoAfterADayAndStrayBytesAfterAnHour) {
  auto kept = uploaded(bea, "kept.txt", "kept\n");
  posted(bea, {kept.id}, "gardé");
  auto forgotten = uploaded(bea, "forgotten.txt", "forgotten\n");
  t.clock.advance(unattached_lifetime - 1000);
  EXPECT_EQ(sweep_unattached(a()), 0u);
  t.clock.advance(2000);
  EXPECT_EQ(sweep_unattached(a()), 1u);
  EXPECT_TRUE(
      fails_with(open_for(a(), bea, forgotten.id, variant::original), error_code::not_found));
  EXPECT_TRUE(open_for(a(), ana, kept.id, variant::original).ok());
  EXPECT_EQ(files_on_disk(), 1u);

  // Bytes no row names: left while young (an upload being committed), removed once old.
  const auto stray = stored(kept).parent_path() / (std::string(64, 'a') + "-987654");
  std::ofstream(stray) << "stray";
  EXPECT_EQ(remove_orphans(a()), 0u);
  std::filesystem::last_write_time(
      stray, std::filesystem::file_time_type::clock::now() - std::chrono::hours(2));
  EXPECT_EQ(remove_orphans(a()), 1u);
  EXPECT_FALSE(std::filesystem::exists(stray));
  EXPECT_TRUE(std::filesystem::exists(stored(kept)));
}

}  // namespace
}  // namespace ps::files
