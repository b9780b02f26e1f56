#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "files/model.hpp"

// The SQL of files. It reports facts; who may see a file is decided by files/service.cpp with
// access/policy.hpp, from the room the file is attached to.
namespace ps::files::store {

std::optional<file_info> file_by_id(db::session& s, std::int64_t id);
// The files of these ids, in the order of `ids` (at most db::max_batch), those that exist.
std::vector<file_info> files_by_ids(db::session& s, std::span<const std::int64_t> ids);

// The blob holding this content in the community, if any.
std::optional<std::int64_t> blob_with(db::session& s, std::int64_t community_id,
                                      const std::string& sha256);

struct new_blob {
  std::int64_t community_id = 0;
  std::string sha256;
  std::int64_t size = 0;
  std::int64_t stored_bytes = 0;  // with the preview and thumbnail
  std::string content_type;
  std::optional<std::int64_t> width, height;
  bool has_variants = false;
};
// The blob of this content, made with one reference or given one more: `refs` is 1 when it is
// new (its bytes must then be put in place in this transaction).
struct blob_use {
  std::int64_t id = 0;
  std::int64_t refs = 0;
};
blob_use use_blob(db::transaction& tx, const new_blob& b, millis now);
// One more reference to an existing blob; false when it is gone.
bool add_ref(db::transaction& tx, std::int64_t blob_id);

std::int64_t insert_file(db::transaction& tx, std::int64_t community_id, std::int64_t uploader_id,
                         std::int64_t blob_id, const std::string& name, millis now);
void attach(db::transaction& tx, std::int64_t file_id, std::int64_t channel_id,
            std::string_view item_kind, std::int64_t item_id, std::int64_t position);

// For items outside rooms (a newsletter issue): channel_id stays NULL. False when the file was
// attached elsewhere meanwhile (by a transaction that committed first).
bool attach_outside_room(db::transaction& tx, std::int64_t file_id, std::string_view item_kind,
                         std::int64_t item_id, std::int64_t position);
// Whether the newsletter issue was sent with the members in its audience: then its members
// may see its images, as they may read it in the archive (newsletter/service.cpp's rule).
bool newsletter_sent_to_members(db::session& s, std::int64_t newsletter_id);

// The files of items of one kind whose ids lie in [low, high] (item ids are unique per kind),
// by item id, each list in its attached order: one query for a page of messages or comments.
std::map<std::int64_t, std::vector<file_info>> files_of_items(db::session& s,
                                                              std::string_view item_kind,
                                                              std::int64_t low, std::int64_t high);
std::vector<std::int64_t> file_ids_of_item(db::session& s, std::string_view item_kind,
                                           std::int64_t item_id);

// A blob whose last reference went: its row is deleted, its files on disk are to be removed.
struct gone_blob {
  std::int64_t id = 0;
  std::int64_t community_id = 0;
  std::string sha256;
};
// Deletes the files rows and takes a reference from each one's blob; returns the blobs that
// reached zero (deleted too).
std::vector<gone_blob> delete_files(db::transaction& tx, std::span<const std::int64_t> file_ids);

// Files uploaded before `before` and never attached, oldest first, at most `limit`.
std::vector<std::int64_t> unattached_before(db::session& s, millis before, std::size_t limit);

struct usage {
  std::int64_t used_bytes = 0;
  std::int64_t files = 0;  // files members uploaded (a content sent twice counts twice)
};
usage usage_of(db::session& s, std::int64_t community_id);
// What the community's blobs take on disk, for the quota.
std::int64_t stored_bytes_of(db::session& s, std::int64_t community_id);
bool blob_exists(db::session& s, std::int64_t blob_id);

}  // namespace ps::files::store
