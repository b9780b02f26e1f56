#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"

// The SQL of open and click tracking (newsletter/tracking.hpp), and nothing else.
namespace ps::newsletter::tracking_store {

// Each recipient's first open, and first click on each link, is a row; later ones change nothing.
void record_open(db::transaction& tx, std::int64_t newsletter_id, const std::string& tag,
                 millis at);
void record_click(db::transaction& tx, std::int64_t newsletter_id, const std::string& tag,
                  const std::string& url, millis at);

struct link_count {
  std::string url;
  std::int64_t people = 0;
};
struct counts {
  std::int64_t opened = 0;        // recipients who opened
  std::int64_t clicked = 0;       // recipients who followed at least one link
  std::vector<link_count> links;  // the most followed first, at most `top_links`
};
counts counts_of(db::session& s, std::int64_t newsletter_id, int top_links);

}  // namespace ps::newsletter::tracking_store
