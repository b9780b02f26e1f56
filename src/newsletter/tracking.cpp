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

// Records `what` when the issue still exists and its community still tracks.
outcome record_if_tracked(app& app, std::int64_t newsletter_id,
                          const std::function<void(db::transaction&)>& what) {
  if (newsletter_id == 0) return done;  // the host's test email
  return app.db.write([&](db::transaction& tx) -> outcome {
    auto i = store::issue_by_id(tx, newsletter_id);
    if (!i || !store::settings_of(tx, i->community_id).tracking) return done;
    what(tx);
    return done;
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
  auto key = app.db.read([](db::session& s) { return tokens::existing_key(s); });
  auto claim = key ? tokens::read_open(*key, token) : std::nullopt;
  if (!claim) return errors::not_found("link");
  const millis now = app.clock.now();
  return record_if_tracked(app, claim->newsletter_id, [&](db::transaction& tx) {
    tracking_store::record_open(tx, claim->newsletter_id, claim->tag, now);
  });
}

result<std::string> follow_click(app& app, const std::string& token) {
  auto key = app.db.read([](db::session& s) { return tokens::existing_key(s); });
  auto claim = key ? tokens::read_click(*key, token) : std::nullopt;
  if (!claim || !is_web_link(claim->url)) return errors::not_found("link");
  const millis now = app.clock.now();
  auto counted = record_if_tracked(app, claim->newsletter_id, [&](db::transaction& tx) {
    tracking_store::record_open(tx, claim->newsletter_id, claim->tag, now);  // a click is an open
    tracking_store::record_click(tx, claim->newsletter_id, claim->tag, claim->url, now);
  });
  if (!counted) return counted.error();
  return claim->url;
}

}  // namespace ps::newsletter::tracking
