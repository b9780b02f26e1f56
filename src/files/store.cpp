#include "files/store.hpp"

#include <algorithm>

#include "db/sql_lists.hpp"

namespace ps::files::store {
namespace {

constexpr std::string_view file_select =
    "SELECT f.id, f.community_id, f.uploader_id, f.blob_id, b.sha256, f.name, b.content_type, "
    "b.size, b.width, b.height, b.has_variants, f.created_at, f.channel_id, f.item_kind, "
    "f.item_id FROM files f JOIN file_blobs b ON b.id = f.blob_id ";

file_info read_file(const db::row& r) {
  file_info f;
  f.id = r.integer(0);
  f.community_id = r.integer(1);
  f.uploader_id = r.integer(2);
  f.blob_id = r.integer(3);
  f.sha256 = r.text(4);
  f.name = r.text(5);
  f.content_type = r.text(6);
  f.size = r.integer(7);
  f.width = r.maybe_integer(8);
  f.height = r.maybe_integer(9);
  f.has_variants = r.boolean(10);
  f.created_at = r.integer(11);
  f.channel_id = r.maybe_integer(12);
  f.item_kind = r.maybe_text(13);
  f.item_id = r.maybe_integer(14);
  return f;
}

std::string sql(std::string_view where) {
  std::string out(file_select);
  out += where;
  return out;
}

}  // namespace

std::optional<file_info> file_by_id(db::session& s, std::int64_t id) {
  static const std::string q = sql("WHERE f.id = $1");
  auto r = s.query_one(q, id);
  if (!r) return std::nullopt;
  return read_file(*r);
}

std::vector<file_info> files_by_ids(db::session& s, std::span<const std::int64_t> ids) {
  if (ids.empty()) return {};
  const std::size_t slots = db::padded_size(ids.size());
  std::vector<db::param> params;
  db::append_padded(params, ids, slots,
                    [](std::int64_t id, std::vector<db::param>& p) { p.emplace_back(id); });
  const std::string q = sql("WHERE f.id IN (" + db::placeholder_list(slots) + ")");
  std::vector<file_info> found;
  for (auto& r : s.query_params(q, params)) found.push_back(read_file(r));
  std::vector<file_info> out;
  for (auto id : ids) {
    auto it =
        std::find_if(found.begin(), found.end(), [&](const file_info& f) { return f.id == id; });
    if (it != found.end()) out.push_back(*it);
  }
  return out;
}

std::optional<std::int64_t> blob_with(db::session& s, std::int64_t community_id,
                                      const std::string& sha256) {
  auto r = s.query_one("SELECT id FROM file_blobs WHERE community_id = $1 AND sha256 = $2",
                       community_id, sha256);
  if (!r) return std::nullopt;
  return r->integer(0);
}

blob_use use_blob(db::transaction& tx, const new_blob& b, millis now) {
  auto r = tx.query_one(
      "INSERT INTO file_blobs (community_id, sha256, size, stored_bytes, content_type, width, "
      "height, has_variants, refs, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9) "
      "ON CONFLICT (community_id, sha256) DO UPDATE SET refs = file_blobs.refs + 1 "
      "RETURNING id, refs",
      b.community_id, b.sha256, b.size, b.stored_bytes, b.content_type, b.width, b.height,
      b.has_variants, now);
  return {r->integer(0), r->integer(1)};
}

bool add_ref(db::transaction& tx, std::int64_t blob_id) {
  return tx.execute("UPDATE file_blobs SET refs = refs + 1 WHERE id = $1", blob_id) > 0;
}

std::int64_t insert_file(db::transaction& tx, std::int64_t community_id, std::int64_t uploader_id,
                         std::int64_t blob_id, const std::string& name, millis now) {
  return tx
      .query_one(
          "INSERT INTO files (community_id, uploader_id, blob_id, name, created_at) VALUES ($1, "
          "$2, $3, $4, $5) RETURNING id",
          community_id, uploader_id, blob_id, name, now)
      ->integer(0);
}

void attach(db::transaction& tx, std::int64_t file_id, std::int64_t channel_id,
            std::string_view item_kind, std::int64_t item_id, std::int64_t position) {
  tx.execute(
      "UPDATE files SET channel_id = $1, item_kind = $2, item_id = $3, position = $4 WHERE id = $5",
      channel_id, item_kind, item_id, position, file_id);
}

bool attach_outside_room(db::transaction& tx, std::int64_t file_id, std::string_view item_kind,
                         std::int64_t item_id, std::int64_t position) {
  return tx.execute(
             "UPDATE files SET item_kind = $1, item_id = $2, position = $3 WHERE id = $4 "
             "AND channel_id IS NULL AND (item_kind IS NULL OR (item_kind = $1 AND "
             "item_id = $2))",
             item_kind, item_id, position, file_id) > 0;
}

bool newsletter_sent_to_members(db::session& s, std::int64_t newsletter_id) {
  return s
      .query_one("SELECT 1 FROM newsletters WHERE id = $1 AND status = 'sent' AND to_members <> 0",
                 newsletter_id)
      .has_value();
}

std::map<std::int64_t, std::vector<file_info>> files_of_items(db::session& s,
                                                              std::string_view item_kind,
                                                              std::int64_t low, std::int64_t high) {
  static const std::string q =
      sql("WHERE f.item_kind = $1 AND f.item_id BETWEEN $2 AND $3 ORDER BY f.item_id, f.position");
  std::map<std::int64_t, std::vector<file_info>> out;
  for (auto& r : s.query(q, item_kind, low, high)) {
    auto f = read_file(r);
    out[*f.item_id].push_back(std::move(f));
  }
  return out;
}

std::vector<std::int64_t> file_ids_of_item(db::session& s, std::string_view item_kind,
                                           std::int64_t item_id) {
  std::vector<std::int64_t> out;
  for (auto& r : s.query("SELECT id FROM files WHERE item_kind = $1 AND item_id = $2 ORDER BY "
                         "position",
                         item_kind, item_id))
    out.push_back(r.integer(0));
  return out;
}

std::vector<gone_blob> delete_files(db::transaction& tx, std::span<const std::int64_t> file_ids) {
  std::vector<gone_blob> gone;
  for (auto id : file_ids) {
    auto blob = tx.query_one("DELETE FROM files WHERE id = $1 RETURNING blob_id", id);
    if (!blob) continue;
    auto left = tx.query_one(
        "UPDATE file_blobs SET refs = refs - 1 WHERE id = $1 RETURNING refs, community_id, sha256",
        blob->integer(0));
    if (!left || left->integer(0) > 0) continue;
    tx.execute("DELETE FROM file_blobs WHERE id = $1", blob->integer(0));
    gone.push_back({blob->integer(0), left->integer(1), left->text(2)});
  }
  return gone;
}

std::vector<std::int64_t> unattached_before(db::session& s, millis before, std::size_t limit) {
  std::vector<std::int64_t> out;
  for (auto& r : s.query("SELECT id FROM files WHERE channel_id IS NULL AND item_kind IS NULL AND "
                         "created_at < $1 ORDER BY created_at LIMIT $2",
                         before, static_cast<std::int64_t>(limit)))
    out.push_back(r.integer(0));
  return out;
}

usage usage_of(db::session& s, std::int64_t community_id) {
  usage u;
  u.used_bytes = stored_bytes_of(s, community_id);
  u.files =
      s.query_one("SELECT COUNT(*) FROM files WHERE community_id = $1", community_id)->integer(0);
  return u;
}

std::int64_t stored_bytes_of(db::session& s, std::int64_t community_id) {
  return s
      .query_one("SELECT COALESCE(SUM(stored_bytes), 0) FROM file_blobs WHERE community_id = $1",
                 community_id)
      ->integer(0);
}

bool blob_exists(db::session& s, std::int64_t blob_id) {
  return s.query_one("SELECT 1 FROM file_blobs WHERE id = $1", blob_id).has_value();
}

}  // namespace ps::files::store
