#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "files/model.hpp"

namespace ps::search {

// What one search asks (GET /communities/{slug}/search).
enum class order { relevance, newest };
struct request {
  std::string q = {};
  std::optional<std::int64_t> channel_id = {};  // one room, which the caller must see
  std::optional<std::int64_t> author_id = {};
  // Only what was written strictly before / after: milliseconds since the epoch, RFC 3339
  // ("2026-06-01T00:00:00Z"), or a wall-clock time or a day alone in the community's time zone
  // (core/instants.hpp).
  std::optional<std::string> before = {}, after = {};
  order sort = order::relevance;
  int limit = 20;
  int offset = 0;
};
inline constexpr int default_limit = 20;
inline constexpr int max_limit = 50;
// Relevance is decided among the newest matches of each kind, at most this many: a word in a
// hundred thousand messages costs what a word in two hundred does (docs/subsystems/search.md).
// offset + limit stays within it.
inline constexpr int ranked_among = 200;

// The kinds of things found (results[].kind).
inline constexpr std::string_view found_message = "message";
inline constexpr std::string_view found_post = "post";
inline constexpr std::string_view found_comment = "comment";
inline constexpr std::string_view found_file = "file";

// One thing found, with what it takes to open it in its context.
struct hit {
  std::string_view kind;
  std::int64_t id = 0;
  std::int64_t channel_id = 0;
  std::int64_t author_id = 0;
  std::string author_name;
  millis created_at = 0;
  double score = 0;  // higher is more relevant; comparable within one search
  // A message (or the message a file is attached to): its place in its room, and the thread it
  // answers in.
  std::optional<std::int64_t> seq;
  std::optional<std::int64_t> parent_id;
  // A post, a comment, or a file on either: the post to open (and its title).
  std::optional<std::int64_t> post_id;
  std::optional<std::string> title;
  // A file: what it is attached to, and the file itself.
  std::optional<std::string> item_kind;
  std::optional<std::int64_t> item_id;
  std::optional<files::file_info> file;
  std::string snippet;  // HTML: escaped text, the matched words in <mark> (search/snippet.hpp)
};

// Beside each hit, its room's name and kind, for a list that spans rooms.
struct room_name {
  std::int64_t id = 0;
  std::string name;
  std::string kind;
};

struct page {
  std::vector<hit> results;
  std::vector<room_name> rooms;    // the rooms the results are in
  std::optional<int> next_offset;  // when there may be more
};

// {"results":[…], "channels":[…], "next_offset"?}
std::string to_json(const page& p);

}  // namespace ps::search
