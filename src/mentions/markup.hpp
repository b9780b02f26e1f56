#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

// Mentions as they are written and kept. A member is mentioned by id: the body holds `<@42>`
// (what the web app's autocomplete inserts), so that renaming someone never breaks a mention
// of them. The rendered HTML (markdown::render_markdown's, where `<@42>` is the escaped text
// `&lt;@42&gt;`) gets each one as a span carrying the id, and `@everyone` and `@here` too when
// a host wrote them. Code (inline or blocks) mentions no one. Pure functions on strings.
namespace ps::mentions {

struct found {
  std::vector<std::int64_t> members;  // distinct, in order of first appearance
  bool everyone = false;
  bool here = false;
  bool any() const { return !members.empty() || everyone || here; }
};

// What the rendered (not yet marked up) HTML of a new body mentions.
found mentions_in(std::string_view rendered);

// `rendered` with each mention of `names` as <span class="mention" data-account-id="42">@Béa
// </span> (the name as it is now; the web app shows the current one), and @everyone and @here
// as <span class="mention" data-mention="everyone">@everyone</span> when `broadcasts` (the
// author is a host). A member id not in `names` is left as written.
std::string marked_up(std::string_view rendered, const std::map<std::int64_t, std::string>& names,
                      bool broadcasts);

// What stored, marked-up HTML mentions (for the JSON of a message, post or comment): only the
// spans marked_up made count, since any other '<' in stored HTML is the renderer's own.
found mentions_of_stored(std::string_view html);

}  // namespace ps::mentions
