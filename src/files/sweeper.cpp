#include "files/sweeper.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <filesystem>

#include "files/disk.hpp"
#include "files/service.hpp"
#include "files/store.hpp"

namespace ps::files {

namespace {

constexpr std::size_t batch = 100;
constexpr auto orphan_age = std::chrono::hours(1);

// The blob id in a stored file's name ("<sha256>-<id>[.preview.webp|.thumb.webp]").
std::optional<std::int64_t> blob_id_of(const std::string& name) {
  const auto dash = name.find('-');
  if (dash != 64) return std::nullopt;
  std::int64_t id = 0;
  const char* first = name.data() + dash + 1;
  const char* last = name.data() + name.size();
  auto [end, ec] = std::from_chars(first, last, id);
  if (ec != std::errc{} || end == first || (end != last && *end != '.')) return std::nullopt;
  return id;
}

}  // namespace

std::size_t sweep_unattached(app& app) {
  std::size_t released = 0;
  for (;;) {
    const millis before = app.clock.now() - unattached_lifetime;
    auto ids =
        app.db.read([&](db::session& s) { return store::unattached_before(s, before, batch); });
    if (ids.empty()) return released;
    released += app.db.write([&](db::transaction& tx) {
      // Attached meanwhile (the message was just sent): no longer this sweep's.
      std::vector<std::int64_t> still;
      for (const auto& f : store::files_by_ids(tx, ids))
        if (!f.item_kind) still.push_back(f.id);
      release_files(app, tx, still);
      return still.size();
    });
    if (ids.size() < batch) return released;
  }
}

std::size_t remove_orphans(app& app) {
  const auto folder = files_folder(app.cfg);
  std::error_code ec;
  if (!std::filesystem::exists(folder, ec)) return 0;
  const auto now = std::filesystem::file_time_type::clock::now();
  std::size_t removed = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(folder, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const auto id = blob_id_of(it->path().filename().string());
    if (!id) continue;
    const auto written = it->last_write_time(ec);
    if (ec || now - written < orphan_age) continue;
    if (app.db.read([&](db::session& s) { return store::blob_exists(s, *id); })) continue;
    std::error_code ignored;
    if (std::filesystem::remove(it->path(), ignored)) ++removed;
  }
  return removed;
}

sweeper::sweeper(app& a) : app_(a), thread_([this] { run(); }) {}

sweeper::~sweeper() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void sweeper::run() {
  bool first = true;
  for (;;) {
    try {
      if (first) {
        if (auto n = remove_orphans(app_))
          spdlog::info("files: {} stored files without a row removed", n);
        first = false;
      }
      if (auto n = sweep_unattached(app_)) spdlog::info("files: {} uploads never sent removed", n);
    } catch (const std::exception& e) {
      // The database away: the next round tries again.
      spdlog::warn("files: housekeeping not done yet: {}", e.what());
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, std::chrono::milliseconds(period_ms), [&] { return stopping_; }))
      return;
  }
}

}  // namespace ps::files
