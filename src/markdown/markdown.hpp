#pragma once

#include <string>
#include <string_view>

// Markdown for every capability that shows formatted text: chat messages today; boards, the
// newsletter and events later.
namespace ps::markdown {

// Renders a chat message's Markdown to safe HTML: raw HTML is escaped, links
// and images keep only http:, https:, mailto: and relative URLs, links open
// in a new tab without referrer. Only an image of this server (a relative URL)
// is an <img>: a remote one becomes a link to it (class "remote-image"), so
// that no reader's browser fetches it by itself. The output is always valid
// UTF-8 (invalid input bytes become U+FFFD), so it can go straight into JSON.
std::string render_markdown(std::string_view markdown);

}  // namespace ps::markdown

namespace ps {
// Each capability calls it by this short name from its own namespace (ps::chat, later the
// others), as chat did when the renderer lived there.
using markdown::render_markdown;
}  // namespace ps
