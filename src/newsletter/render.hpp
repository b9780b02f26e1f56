#pragma once
#include <string>

#include "mail/outbox.hpp"
#include "newsletter/model.hpp"

// What an issue looks like in an email and on its archive page. The Markdown is rendered once
// per issue (markdown::render_markdown: raw HTML escaped, only safe URLs); each recipient's
// email is that HTML in a table layout with inline styles (what mail clients render, dark mode
// included: no <style> blocks, no scripts), with their name, their language, and a footer that
// says who sends it, from where, and how to stop (CASL).
namespace ps::newsletter {

// The issue's body as HTML, links and images made absolute (an email has no base address).
std::string body_html(const issue& i, const std::string& public_url);

struct sender {
  std::string community_name;
  settings of;  // sender_name, postal_address, tracking
};

struct personal {
  std::string email;
  std::string name;             // "Ana Tremblay"; empty: no name
  std::string locale;           // "fr" | "en"
  std::string unsubscribe_url;  // the page of the footer's link
  std::string one_click_url;    // List-Unsubscribe: takes the RFC 8058 POST
  std::string archive_url;      // empty: no "read on the web" link (subscribers have no account)
  std::string open_pixel_url;   // empty: no open tracking
};

// The email for one recipient: both parts, List-Unsubscribe (RFC 8058 one-click) and List-Id.
mail::draft email_for(const issue& i, const std::string& html, const sender& from,
                      const personal& to, const std::string& community_slug,
                      const std::string& public_domain);

}  // namespace ps::newsletter
