#include "newsletter/tracking.hpp"

#include "db/database.hpp"
#include "markdown/safe_html.hpp"
#include "newsletter/store.hpp"
#include "newsletter/tokens.hpp"
#include "newsletter/tracking_store.hpp"

namespace ps::newsletter::tracking {

namespace {

// The href as the renderer wrote it (safe_html::append_url: percent-encoded, '&' as "&amp;").
std::string unescaped_href(std::string_view href) {
  std::string out;
  for (std::size_t i = 0; i < href.size(); ++i) {
    if (href.substr(i).starts_with("&amp;")) {
      out += '&';
      i += 4;
    } else {
      out += href[i];
    }
  }
  return out;
}

bool is_web_link(std::string_view url) {
  return url.starts_with("https://") || url.starts_with("http://");
}

// The token's claim, if it is ours, and whether it is to be counted: its issue still exists
// and its community still tracks (the host's test email, issue 0, never is). One read: opens
// and clicks come from anyone, so only a counted one takes a write transaction.
struct checked {
  std::optional<tokens::tracking_claim> claim;
  bool counted = false;
};
checked check(app& app, const std::string& token,
              std::optional<tokens::tracking_claim> (*read)(const std::string&, std::string_view)) {
  return app.db.read([&](db::session& s) {
    checked out;
    auto key = tokens::existing_key(s);
    if (key) out.claim = read(*key, token);
    if (out.claim && out.claim->newsletter_id != 0) {
      auto i = store::issue_by_id(s, out.claim->newsletter_id);
      out.counted = i && store::settings_of(s, i->community_id).tracking;
    }
    return out;
  });
}

}  // namespace

std::string with_tracked_links(const std::string& html, const std::string& key,
                               std::int64_t newsletter_id, const std::string& tag,
                               const std::string& public_url) {
  static constexpr std::string_view attribute = "href=\"";
  std::string out;
  out.reserve(html.size() + html.size() / 2);
  std::size_t from = 0;
  for (std::size_t at; (at = html.find(attribute, from)) != std::string::npos;) {
    const std::size_t start = at + attribute.size();
    const std::size_t end = html.find('"', start);
    if (end == std::string::npos) break;
    out.append(html, from, start - from);
    const std::string url = unescaped_href(std::string_view(html).substr(start, end - start));
    if (is_web_link(url) && url.size() <= max_tracked_url)
      markdown::safe_html::append_escaped(out,
                                          public_url + "/api/v1/newsletter-click/" +
                                              tokens::click_token(key, newsletter_id, tag, url));
    else
      out.append(html, start, end - start);
    from = end;
  }
  out.append(html, from, std::string::npos);
  return out;
}

std::string open_pixel_url(const std::string& key, std::int64_t newsletter_id,
                           const std::string& tag, const std::string& public_url) {
  return public_url + "/api/v1/newsletter-open/" + tokens::open_token(key, newsletter_id, tag);
}

outcome record_open(app& app, const std::string& token) {
  const auto c = check(app, token, tokens::read_open);
  if (!c.claim) return errors::not_found("link");
  if (!c.counted) return done;
  const millis now = app.clock.now();
  return app.db.write([&](db::transaction& tx) -> outcome {
    tracking_store::record_open(tx, c.claim->newsletter_id, c.claim->tag, now);
    return done;
  });
}

result<std::string> follow_click(app& app, const std::string& token) {
  const auto c = check(app, token, tokens::read_click);
  if (!c.claim || !is_web_link(c.claim->url)) return errors::not_found("link");
  if (c.counted) {
    const millis now = app.clock.now();
    auto written = app.db.write([&](db::transaction& tx) -> outcome {
      tracking_store::record_open(tx, c.claim->newsletter_id, c.claim->tag, now);  // an open too
      tracking_store::record_click(tx, c.claim->newsletter_id, c.claim->tag, c.claim->url, now);
      return done;
    });
    if (!written) return written.error();
  }
  return c.claim->url;
}

}  // namespace ps::newsletter::tracking
