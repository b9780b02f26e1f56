#include "files/migrations.hpp"

namespace ps::files {
namespace {

// file_blobs: the stored bytes, one row per distinct content in a community (the same photo
// sent twice is stored once); `refs` counts the files rows that use it, and at zero the row and
// its files on disk go. Deduplication stays inside a community: a member of one community must
// not learn, from how fast an upload returns, that someone elsewhere has the same file.
// files: what a member uploaded, under the name they gave; attached to at most one message,
// post or comment (channel_id, item_kind, item_id), which decides who may see it. A file never
// attached within a day is removed (files/sweeper.cpp).
constexpr std::string_view files_schema = R"sql(
CREATE TABLE file_blobs (
  id {{id}},
  community_id BIGINT NOT NULL REFERENCES communities(id),
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  stored_bytes BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  width BIGINT,
  height BIGINT,
  has_variants BIGINT NOT NULL DEFAULT 0,
  refs BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (community_id, sha256)
);
CREATE TABLE files (
  id {{id}},
  community_id BIGINT NOT NULL REFERENCES communities(id),
  uploader_id BIGINT NOT NULL REFERENCES accounts(id),
  blob_id BIGINT NOT NULL REFERENCES file_blobs(id),
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  channel_id BIGINT REFERENCES channels(id),
  item_kind TEXT,
  item_id BIGINT,
  position BIGINT
);
CREATE INDEX files_item ON files(item_kind, item_id);
CREATE INDEX files_blob ON files(blob_id);
CREATE INDEX files_unattached ON files(created_at) WHERE channel_id IS NULL;
)sql";

constexpr db::migration steps[] = {
    {12, "files: stored blobs and the files members attach", files_schema},
};

}  // namespace

std::span<const db::migration> migrations() {
  return steps;
}

}  // namespace ps::files
