#pragma once
#include <cstdint>
#include <string>

#include "app/app.hpp"
#include "core/result.hpp"
#include "http/router.hpp"

// Open and click tracking, only when the host turns it on (newsletter settings, `tracking`; off
// by default, and the footer of each email then says so). An email then carries an invisible
// image whose URL names the issue and the recipient's tag (an HMAC of the address, never the
// address), and each http(s) link of the body goes through a redirect that names the link too.
// The tokens are signed (newsletter/tokens.hpp): a forged one is a 404 and counts nothing.
// Each recipient counts once per issue for opens and once per link for clicks. Opens are a
// rough figure: some mail apps load every image (Apple Mail's privacy protection), others none.
namespace ps::newsletter::tracking {

// Links longer than this are left as they are (the click token holds the link).
inline constexpr std::size_t max_tracked_url = 2000;

// `html` (an issue's body) with each http(s) link through the click redirect for `tag`.
std::string with_tracked_links(const std::string& html, const std::string& key,
                               std::int64_t newsletter_id, const std::string& tag,
                               const std::string& public_url);
// The invisible image's URL for `tag`.
std::string open_pixel_url(const std::string& key, std::int64_t newsletter_id,
                           const std::string& tag, const std::string& public_url);

// Counts the open, when the token is ours and the host still tracks; a forged token: 404.
outcome record_open(app& app, const std::string& token);
// The link to go to, and its click counted (when the host still tracks): a link keeps working
// when tracking is turned off or the issue deleted since. A forged token: 404.
result<std::string> follow_click(app& app, const std::string& token);

// GET /api/v1/newsletter-open/{token} and GET /api/v1/newsletter-click/{token}: no cookie.
void add_routes(http::router& r);

}  // namespace ps::newsletter::tracking
