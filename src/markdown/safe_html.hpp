#pragma once

#include <md4c.h>

#include <string>
#include <string_view>

// What the Markdown renderer writes for text, attributes and URLs: escaping, entities, and the
// rules on URLs (which schemes a link keeps, which images are remote). Apart from the renderer
// (markdown.cpp), which only walks md4c's blocks and spans, so that the rules a hostile message
// tests are in one short file. The renderer uses them (its tests exercise them), and so do the
// mentions marked up in its output (mentions/markup.cpp).
namespace ps::markdown::safe_html {

// Escapes for both text and double-quoted attribute values.
void append_escaped(std::string& out, std::string_view text);

// Entities in text and in non-URL attributes: numeric ones decoded (so the
// U+FFFD rule holds), named ones left to the browser's full table.
void append_entity(std::string& out, std::string_view e);

// An md4c attribute that is not a URL (a title, a code block's language), escaped.
void append_attribute(std::string& out, const MD_ATTRIBUTE& attr);

// The URL exactly as a browser will read it back from the href we write.
std::string decode_url(const MD_ATTRIBUTE& attr);

// Only http:, https:, mailto: and relative URLs. Anything that looks like another scheme (a ':'
// before any '/', '?' or '#') is refused, which is stricter than the URL standard.
bool is_allowed_url(std::string_view url);

// Whether a browser would fetch `url` from another server than ours: any URL with a scheme,
// and "//host/..." (or "/\\host/...": browsers read a backslash as a slash in http URLs).
bool is_remote_url(std::string_view url);

// Percent-encodes like md4c-html; '&' becomes "&amp;" so the attribute
// decodes back to `url`.
void append_url(std::string& out, std::string_view url);

}  // namespace ps::markdown::safe_html
