#include "newsletter/tracking_store.hpp"

namespace ps::newsletter::tracking_store {

void record_open(db::transaction& tx, std::int64_t newsletter_id, const std::string& tag,
                 millis at) {
  tx.execute(
      "INSERT INTO newsletter_opens (newsletter_id, recipient_tag, at) VALUES ($1, $2, $3) "
      "ON CONFLICT DO NOTHING",
      newsletter_id, tag, at);
}

void record_click(db::transaction& tx, std::int64_t newsletter_id, const std::string& tag,
                  const std::string& url, millis at) {
  tx.execute(
      "INSERT INTO newsletter_clicks (newsletter_id, recipient_tag, url, at) "
      "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
      newsletter_id, tag, url, at);
}

counts counts_of(db::session& s, std::int64_t newsletter_id, int top_links) {
  counts out;
  out.opened =
      s.query_one("SELECT COUNT(*) FROM newsletter_opens WHERE newsletter_id = $1", newsletter_id)
          ->integer(0);
  out.clicked = s.query_one(
                     "SELECT COUNT(DISTINCT recipient_tag) FROM newsletter_clicks WHERE "
                     "newsletter_id = $1",
                     newsletter_id)
                    ->integer(0);
  for (auto& r : s.query("SELECT url, COUNT(*) AS people FROM newsletter_clicks WHERE "
                         "newsletter_id = $1 GROUP BY url ORDER BY people DESC, url LIMIT $2",
                         newsletter_id, top_links))
    out.links.push_back({r.text(0), r.integer(1)});
  return out;
}

}  // namespace ps::newsletter::tracking_store
