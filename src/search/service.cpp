#include "search/service.hpp"

#include <algorithm>

#include "access/policy.hpp"
#include "core/instants.hpp"
#include "core/rate_limiter.hpp"
#include "search/query.hpp"
#include "search/store.hpp"

namespace ps::search {

namespace {

// Searches per account: a person typing (the web app waits for a pause), not a scraper reading
// the whole history through the search box.
constexpr rate_limit searches_per_account{"search", 60, 60 * 1000};

outcome check_page(const request& asked) {
  if (asked.limit < 1 || asked.limit > max_limit)
    return errors::invalid("limit", field_problem::out_of_range, max_limit);
  if (asked.offset < 0 || asked.offset + asked.limit > ranked_among)
    return errors::invalid("offset", field_problem::out_of_range, ranked_among - asked.limit);
  return done;
}

// The date filters: milliseconds since the epoch, or a time read in the community's time zone.
result<std::optional<millis>> instant_field(const std::optional<std::string>& text,
                                            const std::string& tz, const char* name) {
  if (!text) return std::optional<millis>{};
  // Milliseconds since the epoch, as a client that holds a Date sends them.
  if (!text->empty() && text->size() <= 15 &&
      std::ranges::all_of(*text, [](char c) { return c >= '0' && c <= '9'; }))
    return std::optional<millis>{std::stoll(*text)};
  auto at = instant_of(*text, tz);
  if (!at) return errors::invalid(name, field_problem::invalid_format);
  return std::optional<millis>{*at};
}

// Most relevant first (the newest first among equals), or simply the newest first.
void rank(std::vector<hit>& hits, order sort) {
  std::ranges::stable_sort(hits, [sort](const hit& a, const hit& b) {
    if (sort == order::relevance && a.score != b.score) return a.score > b.score;
    if (a.created_at != b.created_at) return a.created_at > b.created_at;
    return a.id > b.id;
  });
}

}  // namespace

result<page> search(app& app, const caller& who, const std::string& slug, const request& asked) {
  auto words = terms_of(asked.q);
  if (!words) return words.error();
  if (auto ok = check_page(asked); !ok) return ok.error();
  const rate_check checks[] = {{searches_per_account, std::to_string(who.account_id)}};
  if (const int wait = app.throttle.acquire(checks); wait > 0) return errors::rate_limited(wait);

  return app.db.read([&](db::session& s) -> result<page> {
    auto member = access::community_for(s, who, slug);
    if (!member) return member.error();
    auto rooms = access::visible_rooms(s, *member);
    if (asked.channel_id) {
      // One room: it must be one the caller sees; any other answers as one that does not exist.
      std::erase_if(rooms, [&](const chat::channel& r) { return r.id != *asked.channel_id; });
      if (rooms.empty()) return errors::not_found("channel");
    }
    auto before = instant_field(asked.before, member->place.timezone, "before");
    if (!before) return before.error();
    auto after = instant_field(asked.after, member->place.timezone, "after");
    if (!after) return after.error();
    if (*before && *after && **before <= **after)
      return errors::invalid("before", field_problem::out_of_range);
    store::scope where{{}, asked.author_id, *before, *after};
    for (const auto& r : rooms) where.rooms.push_back(r.id);

    // The newest offset + limit of each kind are enough to order by date; relevance ranks among
    // the newest ranked_among of each kind.
    const int wanted = asked.sort == order::newest ? asked.offset + asked.limit + 1 : ranked_among;
    auto hits = store::matches(s, *words, where, wanted);
    rank(hits, asked.sort);

    page out;
    const auto from = std::min<std::size_t>(static_cast<std::size_t>(asked.offset), hits.size());
    const auto to =
        std::min<std::size_t>(from + static_cast<std::size_t>(asked.limit), hits.size());
    out.results.assign(std::make_move_iterator(hits.begin() + static_cast<std::ptrdiff_t>(from)),
                       std::make_move_iterator(hits.begin() + static_cast<std::ptrdiff_t>(to)));
    if (hits.size() > to && static_cast<int>(to) + asked.limit <= ranked_among)
      out.next_offset = static_cast<int>(to);
    store::complete(s, *words, out.results);
    for (const auto& r : rooms)
      if (std::ranges::any_of(out.results, [&](const hit& h) { return h.channel_id == r.id; }))
        out.rooms.push_back({r.id, r.name, r.kind});
    return out;
  });
}

}  // namespace ps::search
