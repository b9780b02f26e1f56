#pragma once
#include <string>

#include "app/app.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"
#include "search/model.hpp"

// Full-text search across what the caller may see in one community: messages of every room
// kind, board posts and comments, and the names of attached files. Which rooms that is, the
// access policy decides (access::visible_rooms), once per search, as for every other path: a
// removed member finds nothing from the next search on, a room they left drops out at once.
// docs/subsystems/search.md tells the whole story.
namespace ps::search {

// Runs on the blocking pool: a search over a large community reads for milliseconds.
result<page> search(app& app, const caller& who, const std::string& slug, const request& asked);

}  // namespace ps::search
