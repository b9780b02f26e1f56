#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/app.hpp"
#include "communities/model.hpp"
#include "core/result.hpp"
#include "http/router.hpp"
#include "newsletter/model.hpp"

// The web archive of an issue for the subscribers, who have no account: their emails link to
// `{public_url}/newsletter/{token}`, a page of the web app that reads
// GET /api/v1/newsletter-archive/{token}. The token names the issue and is signed like the
// unsubscribe links (newsletter/tokens.hpp); the page shows the issue as sent, its images
// through their signed links. Members read the same issue in the community's archive, with
// their cookie, and comment there.
namespace ps::newsletter {

std::string archive_token(const std::string& key, std::int64_t issue_id);
std::optional<std::int64_t> read_archive_token(const std::string& key, std::string_view token);

struct archived {
  issue it;
  communities::community place;
  std::string html;  // the body as the emails show it
};
// The issue, if the token is ours and the issue was sent to subscribers; 404 otherwise (forged,
// altered, deleted, or not for subscribers).
result<archived> open_archive(app& app, std::string_view token);

// GET /api/v1/newsletter-archive/{token}: no cookie.
void add_archive_routes(http::router& r);

}  // namespace ps::newsletter
