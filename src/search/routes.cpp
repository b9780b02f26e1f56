#include "search/routes.hpp"

#include "http/fields.hpp"
#include "search/service.hpp"

namespace ps::search {

using http::context;
using http::response;
using http::verb;

namespace {

result<std::optional<std::int64_t>> query_integer(const context& c, const char* name) {
  return http::fields::query_integer(c.req.query_param(name), name);
}

// The request as the query string gives it: q, channel_id, author_id, before, after (times, read
// by the service in the community's time zone), sort (relevance|newest), limit, offset.
result<request> request_of(const context& c) {
  request asked;
  asked.q = c.req.query_param("q").value_or("");
  auto channel_id = query_integer(c, "channel_id");
  if (!channel_id) return channel_id.error();
  asked.channel_id = *channel_id;
  auto author_id = query_integer(c, "author_id");
  if (!author_id) return author_id.error();
  asked.author_id = *author_id;
  asked.before = c.req.query_param("before");
  asked.after = c.req.query_param("after");
  if (auto sort = c.req.query_param("sort")) {
    if (*sort == "newest")
      asked.sort = order::newest;
    else if (*sort != "relevance")
      return errors::invalid("sort", field_problem::not_allowed);
  }
  auto limit = query_integer(c, "limit");
  if (!limit) return limit.error();
  auto offset = query_integer(c, "offset");
  if (!offset) return offset.error();
  // Out-of-range values are refused by the service, which knows the bounds; clamped here only
  // so that they fit an int.
  auto fit = [](std::int64_t v) {
    return static_cast<int>(std::clamp<std::int64_t>(v, -1, 1 << 20));
  };
  asked.limit = *limit ? fit(**limit) : default_limit;
  asked.offset = *offset ? fit(**offset) : 0;
  return asked;
}

}  // namespace

void add_routes(http::router& r) {
  r.add(
      verb::get, "/api/v1/communities/{slug}/search",
      [](context& c) -> result<response> {
        auto who = c.caller();
        if (!who) return who.error();
        auto asked = request_of(c);
        if (!asked) return asked.error();
        auto found = search(c.app, *who, c.param("slug"), *asked);
        if (!found) return found.error();
        response res = http::raw_json_response(200, to_json(*found));
        res.headers.emplace_back("Cache-Control", "private, no-store");
        return res;
      },
      http::runs_on::blocking_pool);
}

}  // namespace ps::search
