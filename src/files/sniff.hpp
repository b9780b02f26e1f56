#pragma once
#include <filesystem>
#include <string>
#include <string_view>

// What a file is, told from its bytes (libmagic, Debian's `file`), never from its name or the
// type a client declared: both are whatever the sender wants them to be.
namespace ps::files {

// The MIME type libmagic finds in the first megabyte of `file` ("image/png", "text/plain");
// "application/octet-stream" when it finds nothing it knows, or cannot read the file.
std::string sniff_type(const std::filesystem::path& file);

// Whether a file called `name` may hold content of `type`: false when the name's extension is
// one we know and says something else (a ".jpg" whose bytes are HTML, a ".txt" that is a
// program). An extension we do not know, or none, matches anything.
bool name_matches_type(std::string_view name, std::string_view type);

}  // namespace ps::files
