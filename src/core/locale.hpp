#pragma once
#include <string_view>

namespace ps {

// The two languages of the product; French comes first, as in Québec.
enum class locale { fr, en };

inline std::string_view locale_name(locale l) { return l == locale::en ? "en" : "fr"; }

// Parses "fr"/"en" exactly; anything else is nothing.
inline bool parse_locale(std::string_view text, locale& out) {
  if (text == "fr") return out = locale::fr, true;
  if (text == "en") return out = locale::en, true;
  return false;
}

// Picks fr or en from an Accept-Language header, honouring order (not q-values beyond that):
// the first of fr/en that appears wins; French when neither does.
locale locale_from_accept_language(std::string_view header);

}  // namespace ps
