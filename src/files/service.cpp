#include "files/service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "access/policy.hpp"
#include "core/rate_limiter.hpp"
#include "core/secrets.hpp"
#include "core/text.hpp"
#include "files/errors.hpp"
#include "files/images.hpp"
#include "files/sniff.hpp"

namespace ps::files {

namespace {

constexpr std::int64_t mib = 1024 * 1024;
// Uploads per account: a whole album at once, not a flood of the disk.
constexpr rate_limit uploads_per_account{"files.upload", 120, 10 * 60 * 1000};

// The name as it will be shown: its last path segment (a browser may send "C:\photos\a.jpg"),
// trimmed, at most 200 code points, without the characters that could disguise it.
result<std::string> check_name(const std::string& raw) {
  std::string_view name(raw);
  if (auto slash = name.find_last_of("/\\"); slash != std::string_view::npos)
    name = name.substr(slash + 1);
  name = text::trim(name);
  if (name.empty()) return errors::invalid("name", field_problem::required);
  if (!text::is_valid_utf8(name)) return errors::invalid("name", field_problem::invalid_format);
  if (text::utf8_length(name) > max_name_length)
    return errors::invalid("name", field_problem::too_long, max_name_length);
  if (auto bad = text::forbidden_in_name(name)) return errors::forbidden_character("name", *bad);
  return std::string(name);
}

bool is_heic(std::string_view type) {
  return type == "image/heic" || type == "image/heif";
}

// An iPhone photo is stored as JPEG: its name says so too.
std::string stored_name(const std::string& name, std::string_view sniffed) {
  if (!is_heic(sniffed)) return name;
  const auto dot = name.rfind('.');
  return (dot == std::string::npos || dot == 0 ? name : name.substr(0, dot)) + ".jpg";
}

std::optional<std::int64_t> storage_limit(const config& cfg) {
  if (cfg.max_community_storage_mib <= 0) return std::nullopt;
  return cfg.max_community_storage_mib * mib;
}

std::int64_t size_of(const std::filesystem::path& p) {
  return static_cast<std::int64_t>(std::filesystem::file_size(p));
}

// Removes the files it holds when it goes, unless they were moved away meanwhile.
struct leftovers {
  std::vector<std::filesystem::path> paths;
  ~leftovers() {
    for (const auto& p : paths) {
      std::error_code ignored;
      std::filesystem::remove(p, ignored);
    }
  }
};

void place(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::filesystem::create_directories(to.parent_path());
  std::filesystem::rename(from, to);
}

void place_upload(http::temp_file& body, const std::filesystem::path& to) {
  std::filesystem::create_directories(to.parent_path());
  body.move_to(to);
}

// Another reference to a blob found by its content; nothing when it went meanwhile.
result<std::optional<file_info>> reuse(app& app, const caller& who, std::int64_t community_id,
                                       std::int64_t blob_id, const std::string& name) {
  return app.db.write([&](db::transaction& tx) -> result<std::optional<file_info>> {
    if (!store::add_ref(tx, blob_id)) return std::optional<file_info>{};
    const auto id =
        store::insert_file(tx, community_id, who.account_id, blob_id, name, app.clock.now());
    return store::file_by_id(tx, id);
  });
}

}  // namespace

result<file_info> upload(app& app, const caller& who, const std::string& slug,
                         const std::string& raw_name, http::temp_file& body) {
  auto name = check_name(raw_name);
  if (!name) return name.error();
  if (body.size() == 0) return errors::invalid("file", field_problem::required);
  const std::int64_t max_bytes = std::int64_t{app.cfg.max_upload_mib} * mib;
  if (static_cast<std::int64_t>(body.size()) > max_bytes)
    return errors::payload_too_large(max_bytes);
  auto member = app.db.read([&](db::session& s) { return access::community_for(s, who, slug); });
  if (!member) return member.error();
  const rate_check checks[] = {{uploads_per_account, std::to_string(who.account_id)}};
  if (const int wait = app.throttle.acquire(checks); wait > 0) return errors::rate_limited(wait);

  const std::int64_t community_id = member->place.id;
  const std::string sha = sha256_of_file(body.path());
  const std::string type = sniff_type(body.path());
  if (!name_matches_type(*name, type)) return errors::of(file_type_mismatch);
  const std::string shown_name = stored_name(*name, type);

  // The same content in this community already: one more reference, nothing decoded.
  if (auto blob =
          app.db.read([&](db::session& s) { return store::blob_with(s, community_id, sha); })) {
    auto again = reuse(app, who, community_id, *blob, shown_name);
    if (!again) return again.error();
    if (*again) return std::move(**again);
  }

  leftovers made;
  std::optional<processed_image> image;
  if (is_processable_image(type)) {
    auto done = process_image(body.path(), type, http::temp_folder(app.cfg.data_dir),
                              "image-" + secrets::random_token(12));
    if (done.problem) {
      spdlog::info("upload of {} bytes refused: {}", body.size(), done.detail);
      return errors::of(*done.problem == image_problem::too_large ? image_too_large
                                                                  : image_unreadable);
    }
    image = std::move(done.image);
    if (image->stored != body.path()) made.paths.push_back(image->stored);
    if (image->preview) made.paths.push_back(*image->preview);
    if (image->thumbnail) made.paths.push_back(*image->thumbnail);
  }

  store::new_blob blob;
  blob.community_id = community_id;
  blob.sha256 = sha;
  const std::filesystem::path original = image ? image->stored : body.path();
  blob.size = size_of(original);
  blob.stored_bytes = blob.size;
  blob.content_type = image ? image->content_type : type;
  if (image) {
    blob.width = image->width;
    blob.height = image->height;
    blob.has_variants = image->preview.has_value();
    if (image->preview) blob.stored_bytes += size_of(*image->preview) + size_of(*image->thumbnail);
  }
  const auto limit = storage_limit(app.cfg);
  if (limit && app.db.read([&](db::session& s) {
        return store::stored_bytes_of(s, community_id);
      }) + blob.stored_bytes >
                   *limit)
    return errors::of(storage_full);
  // On the disk before the row that points at them is committed: an acknowledged upload
  // survives a power cut, and a crash in between leaves at worst a file without a row, which
  // the sweeper removes.
  for (const auto& p : made.paths) sync_to_disk(p);
  if (original == body.path()) sync_to_disk(original);

  const std::filesystem::path folder = files_folder(app.cfg);
  return app.db.write([&](db::transaction& tx) -> result<file_info> {
    const auto use = store::use_blob(tx, blob, app.clock.now());
    if (use.refs == 1) {
      // Checked again where uploads are serialized: two uploads that each fit may not both.
      if (limit && store::stored_bytes_of(tx, community_id) > *limit)
        return errors::of(storage_full);
      const auto target = blob_path(folder, community_id, sha, use.id, variant::original);
      if (original == body.path())
        place_upload(body, target);
      else
        place(original, target);
      if (image && image->preview) {
        place(*image->preview, blob_path(folder, community_id, sha, use.id, variant::preview));
        place(*image->thumbnail, blob_path(folder, community_id, sha, use.id, variant::thumbnail));
      }
      sync_to_disk(target.parent_path());
    }
    const auto id =
        store::insert_file(tx, community_id, who.account_id, use.id, shown_name, app.clock.now());
    return *store::file_by_id(tx, id);
  });
}

namespace {

servable servable_of(const app& app, const file_info& f, variant v) {
  if (v != variant::original && !f.has_variants) v = variant::original;
  servable out;
  out.path = blob_path(files_folder(app.cfg), f.community_id, f.sha256, f.blob_id, v);
  if (v == variant::original) {
    out.content_type = f.content_type;
    if (!shown_inline(f.content_type)) out.download_name = f.name;
  } else {
    out.content_type = "image/webp";
  }
  return out;
}

}  // namespace

result<servable> open_for(app& app, const caller& who, std::int64_t file_id, variant v) {
  auto found = app.db.read([&](db::session& s) -> result<file_info> {
    auto f = store::file_by_id(s, file_id);
    if (!f) return errors::not_found("file");
    // Attached: whoever may see the room, and nobody else (its uploader neither, once they
    // may not). Not yet attached: only its uploader, while a member.
    if (f->channel_id) {
      if (auto room = access::channel_for(s, who, *f->channel_id); !room)
        return errors::not_found("file");
      return std::move(*f);
    }
    // An issue's image: its community's hosts, who write it; its members once it was sent to
    // them, as they may read it in the archive.
    if (f->item_kind == on_newsletter) {
      auto member = access::community_for(s, who, f->community_id);
      if (!member) return errors::not_found("file");
      if (!member->is_host() && !store::newsletter_sent_to_members(s, *f->item_id))
        return errors::not_found("file");
      return std::move(*f);
    }
    if (f->item_kind) return errors::not_found("file");
    if (f->uploader_id != who.account_id) return errors::not_found("file");
    if (auto member = access::community_for(s, who, f->community_id); !member)
      return errors::not_found("file");
    return std::move(*f);
  });
  if (!found) return found.error();
  return servable_of(app, *found, v);
}

result<servable> open_attached(app& app, std::string_view item_kind, std::int64_t item_id,
                               std::int64_t file_id, variant v) {
  auto f = app.db.read([&](db::session& s) { return store::file_by_id(s, file_id); });
  if (!f || f->item_kind != item_kind || f->item_id != item_id) return errors::not_found("file");
  return servable_of(app, *f, v);
}

outcome remove_upload(app& app, const caller& who, std::int64_t file_id) {
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto f = store::file_by_id(tx, file_id);
    if (!f || f->uploader_id != who.account_id) return errors::not_found("file");
    if (auto member = access::community_for(tx, who, f->community_id); !member)
      return errors::not_found("file");
    if (f->item_kind) return errors::of(file_in_use);
    const std::int64_t ids[] = {file_id};
    release_files(app, tx, ids);
    return done;
  });
}

result<storage_report> storage_of(app& app, const caller& who, const std::string& slug) {
  return app.db.read([&](db::session& s) -> result<storage_report> {
    auto member = access::community_for(s, who, slug);
    if (!member) return member.error();
    if (!member->is_host()) return errors::forbidden();
    return storage_report{store::usage_of(s, member->place.id), storage_limit(app.cfg)};
  });
}

outcome check_file_ids(std::span<const std::int64_t> ids) {
  if (ids.size() > max_files_per_item)
    return errors::invalid("file_ids", field_problem::too_many, max_files_per_item);
  std::set<std::int64_t> seen;
  for (auto id : ids)
    if (id <= 0 || !seen.insert(id).second)
      return errors::invalid("file_ids", field_problem::not_allowed);
  return done;
}

result<std::vector<file_info>> attach(db::transaction& tx, const caller& who,
                                      const access::channel_ref& room, std::string_view item_kind,
                                      std::int64_t item_id, std::span<const std::int64_t> ids) {
  if (ids.empty()) return std::vector<file_info>{};
  auto found = store::files_by_ids(tx, ids);
  if (found.size() != ids.size()) return errors::invalid("file_ids", field_problem::not_allowed);
  for (const auto& f : found)
    if (f.uploader_id != who.account_id || f.community_id != room.place.community_id || f.item_kind)
      return errors::invalid("file_ids", field_problem::not_allowed);
  for (std::size_t i = 0; i < found.size(); ++i) {
    store::attach(tx, found[i].id, room.place.id, item_kind, item_id, static_cast<std::int64_t>(i));
    found[i].channel_id = room.place.id;
    found[i].item_kind = std::string(item_kind);
    found[i].item_id = item_id;
  }
  return found;
}

result<std::vector<file_info>> attach_outside_room(db::transaction& tx, const caller& who,
                                                   std::int64_t community_id,
                                                   std::string_view item_kind, std::int64_t item_id,
                                                   std::span<const std::int64_t> ids,
                                                   const std::string& field) {
  if (ids.empty()) return std::vector<file_info>{};
  auto found = store::files_by_ids(tx, ids);
  if (found.size() != ids.size()) return errors::invalid(field, field_problem::not_allowed);
  for (const auto& f : found) {
    const bool here = f.item_kind == item_kind && f.item_id == item_id;
    if (f.community_id != community_id ||
        (!here && (f.item_kind || f.uploader_id != who.account_id)))
      return errors::invalid(field, field_problem::not_allowed);
  }
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (!store::attach_outside_room(tx, found[i].id, item_kind, item_id,
                                    static_cast<std::int64_t>(i)))
      return errors::invalid(field, field_problem::not_allowed);
    found[i].item_kind = std::string(item_kind);
    found[i].item_id = item_id;
  }
  return found;
}

void release_except(app& app, db::transaction& tx, std::string_view item_kind, std::int64_t item_id,
                    std::span<const std::int64_t> keep) {
  std::vector<std::int64_t> gone;
  for (auto id : store::file_ids_of_item(tx, item_kind, item_id))
    if (std::find(keep.begin(), keep.end(), id) == keep.end()) gone.push_back(id);
  release_files(app, tx, gone);
}

void release(app& app, db::transaction& tx, std::string_view item_kind, std::int64_t item_id) {
  const auto ids = store::file_ids_of_item(tx, item_kind, item_id);
  release_files(app, tx, ids);
}

void release_files(app& app, db::transaction& tx, std::span<const std::int64_t> file_ids) {
  if (file_ids.empty()) return;
  auto gone = store::delete_files(tx, file_ids);
  if (gone.empty()) return;
  tx.after_commit([folder = files_folder(app.cfg), gone = std::move(gone)] {
    // After the commit only: a rollback keeps the rows, so it must keep their bytes too.
    for (const auto& b : gone) remove_blob_files(folder, b.community_id, b.sha256, b.id);
  });
}

}  // namespace ps::files
