#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "access/refs.hpp"
#include "app/app.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"
#include "db/database.hpp"
#include "files/disk.hpp"
#include "files/model.hpp"
#include "files/store.hpp"
#include "http/temp_file.hpp"

// Files and images: an upload is checked, made safe (files/images.hpp) and stored once per
// content and community; it is then attached to one message, post or comment, whose room
// decides who may download it. docs/subsystems/files.md tells the whole story.
namespace ps::files {

inline constexpr std::size_t max_name_length = 200;  // code points
// An upload never attached (a message never sent) is removed after this long.
inline constexpr millis unattached_lifetime = 24 * 60 * 60 * 1000;

// Checks and stores the upload `body` (the raw bytes, received in DATA/tmp) under `name`, for
// the caller in the community `slug`. Runs on the blocking pool: it hashes, sniffs and decodes.
result<file_info> upload(app& app, const caller& who, const std::string& slug,
                         const std::string& name, http::temp_file& body);

// A file on disk as it is to be sent: what the browser may show inline is sent with no name
// (shown), anything else with its name as an attachment.
struct servable {
  std::filesystem::path path;
  std::string content_type;
  std::string download_name;  // empty: shown inline
};
// The file (or its preview or thumbnail) if the caller may see it: they uploaded it and still
// belong to its community, or they may see the room it is attached to (access::channel_for).
// 404 otherwise, the same for a file that does not exist.
result<servable> open_for(app& app, const caller& who, std::int64_t file_id, variant v);

// The file (or its variant) if it is attached to that item, whoever asks: for links that carry
// their own proof (the newsletter's signed image links, read by mail clients with no cookie).
// 404 otherwise, the same for a file that does not exist.
result<servable> open_attached(app& app, std::string_view item_kind, std::int64_t item_id,
                               std::int64_t file_id, variant v);

// The uploader takes back a file not yet attached (a chip removed before sending).
outcome remove_upload(app& app, const caller& who, std::int64_t file_id);

struct storage_report {
  store::usage usage;
  std::optional<std::int64_t> limit_bytes;
};
// Hosts only: what the community's files take, and the operator's cap.
result<storage_report> storage_of(app& app, const caller& who, const std::string& slug);

// For the rooms that take files (chat, board). Before their transaction: at most 10 ids, none
// twice.
outcome check_file_ids(std::span<const std::int64_t> ids);
// In the room's writing transaction, once the item has its id: attaches the caller's uploads
// to it, in order. 422 file_ids when one is not the caller's, is in another community, or is
// attached already (the transaction is then rolled back by the caller's failed result).
result<std::vector<file_info>> attach(db::transaction& tx, const caller& who,
                                      const access::channel_ref& room, std::string_view item_kind,
                                      std::int64_t item_id, std::span<const std::int64_t> ids);
// For items in no room (a newsletter issue), in the item's writing transaction: attaches the
// files `ids` to it, in order. An id already attached to this same item stays (its text saved
// again); any other must be the caller's own upload in the community, not attached yet.
// Otherwise 422 naming `field`, and nothing is written.
result<std::vector<file_info>> attach_outside_room(db::transaction& tx, const caller& who,
                                                   std::int64_t community_id,
                                                   std::string_view item_kind, std::int64_t item_id,
                                                   std::span<const std::int64_t> ids,
                                                   const std::string& field);
// In the same transaction: the item's files not in `keep` go (its text names them no more).
void release_except(app& app, db::transaction& tx, std::string_view item_kind, std::int64_t item_id,
                    std::span<const std::int64_t> keep);
// In the transaction that deletes an item: its files go, and the bytes of those no other file
// uses are removed from disk after the commit.
void release(app& app, db::transaction& tx, std::string_view item_kind, std::int64_t item_id);
// The same for files by id (the sweeper's unattached uploads).
void release_files(app& app, db::transaction& tx, std::span<const std::int64_t> file_ids);

}  // namespace ps::files
