#pragma once
// A whole app on a temporary SQLite file (or PostgreSQL database) with a manual clock, for
// service tests.
// Header-only and used only by *_test.cpp files.
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "accounts/service.hpp"
#include "app/app.hpp"
#include "app/capabilities.hpp"
#include "chat/history_cache.hpp"
#include "communities/service.hpp"
#include "core/rate_limiter.hpp"
#include "db/migrations.hpp"
#include "db/postgresql.hpp"
#include "db/sqlite.hpp"
#include "mail/outbox.hpp"
#include "realtime/hub.hpp"

namespace ps::testing {

// A folder removed with everything in it when the object goes away.
class temp_dir {
 public:
  temp_dir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("ps-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A subscriber that keeps what it is sent, to check who got which event.
class recording_subscriber final : public realtime::subscriber {
 public:
  void send(realtime::frame_ptr frame) override {
    std::lock_guard lock(mutex_);
    frames_.push_back(std::move(frame));
  }
  std::vector<std::string> texts() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& f : frames_) out.push_back(f->text);
    return out;
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return frames_.size();
  }
  void end(int close_code, bool send_queued) override {
    std::lock_guard lock(mutex_);
    ended_with_ = close_code;
    sent_queued_ = send_queued;
  }
  bool sent_queued() const {
    std::lock_guard lock(mutex_);
    return sent_queued_;
  }
  // The close code the hub ended it with, 0 while it is live.
  int ended_with() const {
    std::lock_guard lock(mutex_);
    return ended_with_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<realtime::frame_ptr> frames_;
  int ended_with_ = 0;
  bool sent_queued_ = false;
};

// The database of one test: SQLite in `dir`, or, when PETITESALLE_TEST_POSTGRES names a
// PostgreSQL server (scripts/with-postgres.sh sets it), a database of its own there, which
// `scratch` drops after the test. The same tests run on both engines.
inline std::unique_ptr<db::database> open_test_database(
    const std::filesystem::path& dir, std::optional<db::scratch_database>& scratch) {
  if (const char* admin = std::getenv("PETITESALLE_TEST_POSTGRES"); admin && *admin) {
    scratch.emplace(admin);
    return db::open_postgresql(scratch->url(), db::postgresql_options{4});
  }
  return db::open_sqlite(dir / "test.db");
}

inline bool testing_on_postgresql() {
  const char* admin = std::getenv("PETITESALLE_TEST_POSTGRES");
  return admin && *admin;
}

// Holds the database's writer until the returned promise is set: the writes queued meanwhile
// share its next group (for the tests of writes run together).
inline std::promise<void> hold_writer(db::database& db) {
  std::promise<void> release, holding;
  auto released = release.get_future().share();
  auto held = holding.get_future();
  db.write_then(
      [released, &holding](db::transaction&) -> result<int> {
        holding.set_value();
        released.wait();
        return 1;
      },
      [](result<int>) {});
  held.wait();
  return release;
}

inline constexpr millis test_epoch = 1'790'000'000'000;  // 2026-09-21

struct test_app {
  temp_dir dir;
  config cfg;
  // On PostgreSQL (PETITESALLE_TEST_POSTGRES names a server, as scripts/with-postgres.sh sets
  // it): a database of its own for each test, dropped after it.
  std::optional<db::scratch_database> scratch;
  std::unique_ptr<db::database> db;
  manual_clock clock{test_epoch};
  realtime::hub hub;
  metrics stats;
  rate_limiter throttle{clock};
  chat::history_cache history;
  realtime::event_catalog events = event_types();
  std::unique_ptr<mail::outbox> outbox;
  std::unique_ptr<ps::app> app_ptr;

  test_app() { start(open_test_database(dir.path(), scratch)); }
  // On a database the test opened itself, whatever the run's engine: an SQLite source and its
  // PostgreSQL copy (db/copy_test.cpp).
  explicit test_app(std::unique_ptr<db::database> own) { start(std::move(own)); }

  ps::app& app() { return *app_ptr; }

  // Signs up a person and returns them as a caller.
  caller person(const std::string& name, locale lang = locale::fr) {
    std::string email = name + "@example.com";
    for (char& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto s = accounts::sign_up(
        app(), {email, "un mot de passe sûr", name, std::string(locale_name(lang))}, lang);
    if (!s) throw std::runtime_error("sign up failed: " + std::string(code_name(s.error())));
    return caller{s->acct.id, lang, std::nullopt, std::nullopt};
  }

  // Creates a community owned by `owner` and returns its slug.
  std::string community(const caller& owner, const std::string& name = "Les voisins") {
    auto c = communities::create_community(
        app(), owner, {name, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
    if (!c) throw std::runtime_error("create community failed");
    return c->place.slug;
  }

 private:
  void start(std::unique_ptr<db::database> opened) {
    cfg.fast_password_hashing = true;
    cfg.public_url = "http://petite.test";
    cfg.data_dir = dir.path();
    db = std::move(opened);
    db::migrate(*db, migrations());
    outbox = std::make_unique<mail::outbox>(*db, clock,
                                            mail::make_maildir_transport(dir.path() / "mail"),
                                            "Petite Salle <noreply@petite.test>");
    app_ptr = std::make_unique<ps::app>(
        ps::app{cfg, *db, hub, clock, *outbox, stats, throttle, history, events});
  }
};

}  // namespace ps::testing
