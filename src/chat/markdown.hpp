#pragma once

#include <string>
#include <string_view>

namespace ps::chat {

// Renders a chat message's Markdown to safe HTML: raw HTML is escaped, links
// and images keep only http:, https:, mailto: and relative URLs, links open
// in a new tab without referrer. Only an image of this server (a relative URL)
// is an <img>: a remote one becomes a link to it (class "remote-image"), so
// that no reader's browser fetches it by itself. The output is always valid
// UTF-8 (invalid input bytes become U+FFFD), so it can go straight into JSON.
std::string render_markdown(std::string_view markdown);

}  // namespace ps::chat
