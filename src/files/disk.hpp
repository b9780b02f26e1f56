#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "app/config.hpp"

// Where files live on disk, and the few disk operations they need. Everything here blocks:
// call it on the blocking pool or a background thread, never on a network thread.
namespace ps::files {

// The folder of every community's files: `files_dir` when set (a folder several nodes share),
// else DATA/files.
std::filesystem::path files_folder(const config& cfg);

enum class variant { original, preview, thumbnail };
// FILES/<community>/<2 first hex digits>/<sha256>-<blob id>[.preview.webp|.thumb.webp]: the
// blob id keeps each stored copy apart, so a blob removed and a new one of the same content
// never share a file.
std::filesystem::path blob_path(const std::filesystem::path& folder, std::int64_t community_id,
                                const std::string& sha256, std::int64_t blob_id, variant v);

// The SHA-256 of the file, in lower-case hex, read in pieces (never whole in memory).
// Throws std::system_error when it cannot be read.
std::string sha256_of_file(const std::filesystem::path& file);

// Flushes the file's bytes (or a folder's entries) to the disk. Throws std::system_error.
void sync_to_disk(const std::filesystem::path& path);

// Removes the blob's files (the original and its variants); what is missing is ignored.
void remove_blob_files(const std::filesystem::path& folder, std::int64_t community_id,
                       const std::string& sha256, std::int64_t blob_id);

}  // namespace ps::files
