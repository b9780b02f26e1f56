#include "markdown/markdown.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ps::markdown {
namespace {

// Every link in the output carries these attributes.
constexpr std::string_view link_attrs = R"( rel="noopener noreferrer nofollow" target="_blank")";

std::string link(std::string_view href, std::string_view text) {
  return "<a href=\"" + std::string(href) + "\"" + std::string(link_attrs) + ">" +
         std::string(text) + "</a>";
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (b < 0x80) {
      n = 1, cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      n = 2, cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      n = 3, cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      n = 4, cp = b & 0x07;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    const std::uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n;
  }
  return true;
}

// --- blocks ---------------------------------------------------------------

TEST(render_markdown, empty_input_gives_empty_output) {
  EXPECT_EQ(render_markdown(""), "");
}

TEST(render_markdown, paragraphs) {
  EXPECT_EQ(render_markdown("one\n\ntwo"), "<p>one</p>\n<p>two</p>\n");
}

TEST(render_markdown, headings_h1_to_h6) {
  EXPECT_EQ(render_markdown("# a"), "<h1>a</h1>\n");
  EXPECT_EQ(render_markdown("## a"), "<h2>a</h2>\n");
  EXPECT_EQ(render_markdown("### a"), "<h3>a</h3>\n");
  EXPECT_EQ(render_markdown("#### a"), "<h4>a</h4>\n");
  EXPECT_EQ(render_markdown("##### a"), "<h5>a</h5>\n");
  EXPECT_EQ(render_markdown("###### a"), "<h6>a</h6>\n");
  EXPECT_EQ(render_markdown("####### a"), "<p>####### a</p>\n");
  EXPECT_EQ(render_markdown("Title\n====="), "<h1>Title</h1>\n");
  EXPECT_EQ(render_markdown("Sub\n---"), "<h2>Sub</h2>\n");
}

TEST(render_markdown, blockquotes_nest) {
  EXPECT_EQ(render_markdown("> a\n> > b"),
            "<blockquote>\n<p>a</p>\n<blockquote>\n<p>b</p>\n"
            "</blockquote>\n</blockquote>\n");
}

TEST(render_markdown, unordered_lists) {
  EXPECT_EQ(render_markdown("- a\n- b\n  * c"),
            "<ul>\n<li>a</li>\n<li>b<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n");
}

TEST(render_markdown, ordered_lists_keep_their_start) {
  EXPECT_EQ(render_markdown("1. a\n2. b"), "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n");
  EXPECT_EQ(render_markdown("7) a"), "<ol start=\"7\">\n<li>a</li>\n</ol>\n");
  EXPECT_EQ(render_markdown("0. a"), "<ol start=\"0\">\n<li>a</li>\n</ol>\n");
}

TEST(render_markdown, loose_list_items_hold_paragraphs) {
  EXPECT_EQ(render_markdown("- a\n\n- b"),
            "<ul>\n<li><p>a</p>\n</li>\n<li><p>b</p>\n</li>\n</ul>\n");
}

TEST(render_markdown, task_list_syntax_stays_text) {
  // Task lists are not enabled: the brackets are plain text.
  EXPECT_EQ(render_markdown("- [x] done"), "<ul>\n<li>[x] done</li>\n</ul>\n");
}

TEST(render_markdown, thematic_break) {
  EXPECT_EQ(render_markdown("a\n\n***\n\nb"), "<p>a</p>\n<hr>\n<p>b</p>\n");
}

TEST(render_markdown, fenced_code_with_language) {
  EXPECT_EQ(render_markdown("```cpp\nif (a < b && c) {}\n```"),
            "<pre><code class=\"language-cpp\">if (a &lt; b &amp;&amp; c) "
            "{}\n</code></pre>\n");
  EXPECT_EQ(render_markdown("~~~\nplain\n~~~"), "<pre><code>plain\n</code></pre>\n");
}

TEST(render_markdown, code_language_is_escaped) {
  EXPECT_EQ(render_markdown("```x\"><script>\ny\n```"),
            "<pre><code class=\"language-x&quot;&gt;&lt;script&gt;\">y\n"
            "</code></pre>\n");
}

TEST(render_markdown, indented_code) {
  EXPECT_EQ(render_markdown("    <b>x</b>\n    y"),
            "<pre><code>&lt;b&gt;x&lt;/b&gt;\ny\n</code></pre>\n");
}

TEST(render_markdown, tables_with_alignment) {
  EXPECT_EQ(render_markdown("| a | b | c | d |\n|---|:--|:-:|--:|\n"
                            "| 1 | *2* | 3 | 4 |"),
            "<table>\n<thead>\n<tr>\n<th>a</th>\n<th align=\"left\">b</th>\n"
            "<th align=\"center\">c</th>\n<th align=\"right\">d</th>\n"
            "</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n"
            "<td align=\"left\"><em>2</em></td>\n<td align=\"center\">3</td>\n"
            "<td align=\"right\">4</td>\n</tr>\n</tbody>\n</table>\n");
}

// --- inlines --------------------------------------------------------------

TEST(render_markdown, emphasis_strong_strikethrough_code) {
  EXPECT_EQ(render_markdown("*a* _b_ **c** __d__ ~~e~~ `f<g>`"),
            "<p><em>a</em> <em>b</em> <strong>c</strong> <strong>d</strong> "
            "<del>e</del> <code>f&lt;g&gt;</code></p>\n");
  EXPECT_EQ(render_markdown("***both***"), "<p><em><strong>both</strong></em></p>\n");
}

TEST(render_markdown, links_open_in_a_new_tab_without_referrer) {
  EXPECT_EQ(render_markdown("[site](https://example.com/a?b=1&c=2)"),
            "<p>" + link("https://example.com/a?b=1&amp;c=2", "site") + "</p>\n");
}

TEST(render_markdown, link_title_is_escaped) {
  EXPECT_EQ(render_markdown("[x](/p \"a \\\"b\\\" <c>\")"),
            "<p><a href=\"/p\" title=\"a &quot;b&quot; &lt;c&gt;\"" + std::string(link_attrs) +
                ">x</a></p>\n");
}

TEST(render_markdown, link_urls_are_percent_encoded) {
  EXPECT_EQ(render_markdown("[x](<a b\"c>)"), "<p>" + link("a%20b%22c", "x") + "</p>\n");
  EXPECT_EQ(render_markdown("[x](/caf\xC3\xA9)"), "<p>" + link("/caf%C3%A9", "x") + "</p>\n");
}

TEST(render_markdown, reference_links) {
  EXPECT_EQ(render_markdown("[x][r]\n\n[r]: http://a.b"),
            "<p>" + link("http://a.b", "x") + "</p>\n");
}

TEST(render_markdown, autolinks) {
  EXPECT_EQ(render_markdown("<https://a.b/c>"),
            "<p>" + link("https://a.b/c", "https://a.b/c") + "</p>\n");
  EXPECT_EQ(render_markdown("see http://a.b/c now"),
            "<p>see " + link("http://a.b/c", "http://a.b/c") + " now</p>\n");
  EXPECT_EQ(render_markdown("www.example.com"),
            "<p>" + link("http://www.example.com", "www.example.com") + "</p>\n");
  EXPECT_EQ(render_markdown("me@example.com"),
            "<p>" + link("mailto:me@example.com", "me@example.com") + "</p>\n");
}

TEST(render_markdown, images) {
  EXPECT_EQ(render_markdown("![a *cat*](/cat.png \"Tom\")"),
            "<p><img src=\"/cat.png\" alt=\"a cat\" title=\"Tom\"></p>\n");
  EXPECT_EQ(render_markdown("![say \"hi\"](x.png)"),
            "<p><img src=\"x.png\" alt=\"say &quot;hi&quot;\"></p>\n");
}

TEST(render_markdown, nested_images_flatten_into_alt_text) {
  EXPECT_EQ(render_markdown("![a ![b](x.png) c](y.png)"),
            "<p><img src=\"y.png\" alt=\"a b c\"></p>\n");
}

TEST(render_markdown, image_inside_link) {
  EXPECT_EQ(render_markdown("[![i](a.png)](http://b)"),
            "<p>" + link("http://b", "<img src=\"a.png\" alt=\"i\">") + "</p>\n");
}

// A remote image would load in every reader's browser, telling its server who reads and when:
// it becomes a link the reader may follow, with its alt text.
std::string remote_image(std::string_view href, std::string_view text,
                         std::string_view title = "") {
  std::string out = "<a href=\"" + std::string(href) + "\"";
  if (!title.empty()) out += " title=\"" + std::string(title) + "\"";
  return out + " class=\"remote-image\"" + std::string(link_attrs) + ">" + std::string(text) +
         "</a>";
}

TEST(render_markdown, remote_images_are_links) {
  EXPECT_EQ(render_markdown("![a *cat*](https://tracker.example/a.png \"Tom\")"),
            "<p>" + remote_image("https://tracker.example/a.png", "a cat", "Tom") + "</p>\n");
  EXPECT_EQ(render_markdown("see ![x](http://t.example/a.png) here"),
            "<p>see " + remote_image("http://t.example/a.png", "x") + " here</p>\n");
  EXPECT_EQ(render_markdown("![x](HTTPS://T.example/a.png)"),
            "<p>" + remote_image("HTTPS://T.example/a.png", "x") + "</p>\n");
  EXPECT_EQ(
      render_markdown("![say \"<hi>\"](https://t.example/a.png)"),
      "<p>" + remote_image("https://t.example/a.png", "say &quot;&lt;hi&gt;&quot;") + "</p>\n");
  EXPECT_EQ(render_markdown("![x][r]\n\n[r]: https://t.example/a.png"),
            "<p>" + remote_image("https://t.example/a.png", "x") + "</p>\n");
}

TEST(render_markdown, protocol_relative_and_disguised_images_are_remote) {
  // "//host" and "/\\host" lead to another server; so does a scheme behind an entity or a tab.
  EXPECT_EQ(render_markdown("![x](//t.example/a.png)"),
            "<p>" + remote_image("//t.example/a.png", "x") + "</p>\n");
  EXPECT_EQ(render_markdown("![x](/\\t.example/a.png)"),
            "<p>" + remote_image("/%5Ct.example/a.png", "x") + "</p>\n");
  EXPECT_EQ(render_markdown("![x](&#47;&#47;t.example/a.png)"),
            "<p>" + remote_image("//t.example/a.png", "x") + "</p>\n");
  EXPECT_EQ(render_markdown("![x](<ht\ttps://t.example/a.png>)").find("<img"), std::string::npos);
  EXPECT_EQ(render_markdown("![x](<&#32;//t.example/a.png>)").find("<img"), std::string::npos);
  EXPECT_EQ(render_markdown("![x](https:t.example/a.png)").find("<img"), std::string::npos);
  EXPECT_EQ(render_markdown("![x](mailto:a@b.c)").find("<img"), std::string::npos);
}

TEST(render_markdown, remote_image_without_alt_text_shows_its_address) {
  EXPECT_EQ(render_markdown("![](https://t.example/a.png?x=1&y=2)"),
            "<p>" +
                remote_image("https://t.example/a.png?x=1&amp;y=2",
                             "https://t.example/a.png?x=1&amp;y=2") +
                "</p>\n");
}

TEST(render_markdown, nested_remote_images_flatten_into_one_link) {
  EXPECT_EQ(render_markdown("![a ![b](https://t.example/b.png) c](https://t.example/y.png)"),
            "<p>" + remote_image("https://t.example/y.png", "a b c") + "</p>\n");
  EXPECT_EQ(render_markdown("![a ![b](https://t.example/b.png) c](y.png)"),
            "<p><img src=\"y.png\" alt=\"a b c\"></p>\n");
}

TEST(render_markdown, remote_image_inside_a_link_is_its_alt_text) {
  // A link may not hold a link: the image is its alt text, marked as an image.
  EXPECT_EQ(
      render_markdown("[![badge](https://t.example/b.svg)](https://example.com)"),
      "<p>" + link("https://example.com", "<span class=\"remote-image\">badge</span>") + "</p>\n");
}

TEST(render_markdown, hard_and_soft_breaks) {
  EXPECT_EQ(render_markdown("a  \nb\\\nc\nd"), "<p>a<br>\nb<br>\nc\nd</p>\n");
}

TEST(render_markdown, entities) {
  EXPECT_EQ(render_markdown("&#65; &#x42; &#0; &#xD800; &#1114112;"),
            "<p>A B \xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD</p>\n");
  EXPECT_EQ(render_markdown("&#60;script&#62;"), "<p>&lt;script&gt;</p>\n");
  // Named entities go to the browser as they are: it knows the HTML5 table.
  EXPECT_EQ(render_markdown("&amp; &copy; &eacute;"), "<p>&amp; &copy; &eacute;</p>\n");
  EXPECT_EQ(render_markdown("& &; &#; a&b"), "<p>&amp; &amp;; &amp;#; a&amp;b</p>\n");
}

TEST(render_markdown, text_is_escaped) {
  EXPECT_EQ(render_markdown("a < b > c & \"d\" 'e'"),
            "<p>a &lt; b &gt; c &amp; &quot;d&quot; 'e'</p>\n");
}

TEST(render_markdown, raw_html_comes_out_as_text) {
  EXPECT_EQ(render_markdown("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
  EXPECT_EQ(render_markdown("x <img src=x onerror=alert(1)> y"),
            "<p>x &lt;img src=x onerror=alert(1)&gt; y</p>\n");
  EXPECT_EQ(render_markdown("<div>\n*a*\n</div>"),
            "<p>&lt;div&gt;\n<em>a</em>\n&lt;/div&gt;</p>\n");
  EXPECT_EQ(render_markdown("<!-- c -->"), "<p>&lt;!-- c --&gt;</p>\n");
}

TEST(render_markdown, null_character_becomes_replacement) {
  EXPECT_EQ(render_markdown(std::string_view("a\0b", 3)),
            "<p>a\xEF\xBF\xBD"
            "b</p>\n");
}

TEST(render_markdown, invalid_utf8_becomes_replacement) {
  EXPECT_EQ(render_markdown("a\xFF\xC3(b\xED\xA0\x80"),
            "<p>a\xEF\xBF\xBD\xEF\xBF\xBD(b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF"
            "\xBD</p>\n");
  EXPECT_EQ(render_markdown("caf\xC3\xA9 \xF0\x9F\x98\x80"),
            "<p>caf\xC3\xA9 \xF0\x9F\x98\x80</p>\n");
}

// --- URLs that are kept -----------------------------------------------------

TEST(render_markdown, allowed_urls) {
  for (const std::string url :
       {"http://a.b", "https://a.b", "HTTPS://A.B", "mailto:a@b.c", "/abs", "rel/path", "../up",
        "#frag", "?q=1", "//host/x", "a/b:c", "a?b:c", "a#b:c", ""}) {
    const std::string html = render_markdown("[x](<" + url + ">)");
    EXPECT_NE(html.find("<a href=\""), std::string::npos) << url;
  }
}

// --- URLs that are refused
// ----------------------------------------------------

class refused_link : public testing::TestWithParam<std::string> {};

TEST_P(refused_link, renders_its_text_only) {
  EXPECT_EQ(render_markdown("[*click*](" + GetParam() + ")"), "<p><em>click</em></p>\n");
}

TEST_P(refused_link, image_renders_its_alt_text_only) {
  EXPECT_EQ(render_markdown("![a *cat*](" + GetParam() + ")"), "<p>a cat</p>\n");
}

INSTANTIATE_TEST_SUITE_P(tricks, refused_link,
                         testing::Values("javascript:alert(1)", "JaVaScRiPt:alert(1)",
                                         "<javascript:alert(1)>", "<java\tscript:alert(1)>",
                                         "&#32;javascript:alert(1)",  // leading space
                                         "&#1;javascript:alert(1)",   // leading control character
                                         "&#x1F;&#31;javascript:alert(1)",
                                         "java&#9;script:alert(1)",  // tab inside the scheme
                                         "java&Tab;script:alert(1)", "java&#10;script:alert(1)",
                                         "java&#13;script:alert(1)", "java&NewLine;script:alert(1)",
                                         "javascript&colon;alert(1)", "javascript&#58;alert(1)",
                                         "&#x6A;avascript:alert(1)", "&#106;&#97;vascript:alert(1)",
                                         "javascript\\:alert(1)",
                                         "data:text/html;base64,PHNjcmlwdD4=",
                                         "DATA:image/png;base64,AAAA", "vbscript:msgbox(1)",
                                         "file:///etc/passwd", "<%20javascript:alert(1)>"));

TEST(render_markdown, refused_autolink_keeps_its_text) {
  EXPECT_EQ(render_markdown("<javascript:alert(1)>"), "<p>javascript:alert(1)</p>\n");
  EXPECT_EQ(render_markdown("<data:text/html,x>"), "<p>data:text/html,x</p>\n");
}

TEST(render_markdown, refused_reference_link) {
  EXPECT_EQ(render_markdown("[x][r]\n\n[r]: javascript:alert(1)"), "<p>x</p>\n");
}

TEST(render_markdown, refused_image_inside_allowed_link) {
  EXPECT_EQ(render_markdown("[![alt](javascript:x)](http://b)"),
            "<p>" + link("http://b", "alt") + "</p>\n");
}

// --- robustness
// ---------------------------------------------------------------

// Tags our renderer may write; anything else in the output is a bug.
const std::set<std::string> known_tags = {
    "p",  "h1", "h2", "h3",     "h4",   "h5",    "h6",    "blockquote", "ul",
    "ol", "li", "hr", "pre",    "code", "table", "thead", "tbody",      "tr",
    "th", "td", "em", "strong", "del",  "a",     "img",   "br",         "span"};

void expect_safe_html(const std::string& input, const std::string& html) {
  ASSERT_TRUE(is_valid_utf8(html)) << testing::PrintToString(input);
  static const std::regex tag(R"(<(/?)([a-z0-9]*))");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator();
       ++it) {
    ASSERT_TRUE(known_tags.count((*it)[2])) << testing::PrintToString(input);
  }
  // Each URL, once its "&amp;" is decoded, has no scheme but the allowed.
  static const std::regex url(R"((?:href|src)="([^"]*)\")");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), url); it != std::sregex_iterator();
       ++it) {
    std::string value = (*it)[1];
    ASSERT_EQ(value.find_first_of("<>\t\n\r "), std::string::npos);
    // As the URL standard reads a scheme: a letter, then letters, digits,
    // '+', '-' or '.', then ':'. Anything else makes the URL relative.
    static const std::regex scheme_re(R"(^([A-Za-z][A-Za-z0-9+.-]*):)");
    std::smatch m;
    if (!std::regex_search(value, m, scheme_re)) continue;
    std::string scheme = m[1];
    for (char& c : scheme) c = static_cast<char>(std::tolower(c));
    ASSERT_TRUE(scheme == "http" || scheme == "https" || scheme == "mailto")
        << testing::PrintToString(input) << " gave " << value;
  }
  // No image loads from another server: an <img> has a relative URL, not "//host".
  static const std::regex img(R"(<img src="([^"]*)\")");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), img); it != std::sregex_iterator();
       ++it) {
    const std::string value = (*it)[1];
    ASSERT_FALSE(std::regex_search(value, std::regex(R"(^[A-Za-z][A-Za-z0-9+.-]*:)")))
        << testing::PrintToString(input) << " gave " << value;
    ASSERT_FALSE(value.starts_with("//")) << testing::PrintToString(input) << " gave " << value;
  }
}

TEST(render_markdown, random_bytes_never_crash) {
  std::mt19937 rng(20261127);
  std::uniform_int_distribution<int> length(0, 400);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 2000; ++round) {
    std::string input(static_cast<std::size_t>(length(rng)), '\0');
    for (char& c : input) c = static_cast<char>(byte(rng));
    expect_safe_html(input, render_markdown(input));
  }
}

TEST(render_markdown, random_markdown_pieces_stay_safe) {
  // Markdown syntax and URL tricks shuffled together find far more paths
  // through the parser than uniform random bytes do.
  const std::vector<std::string> pieces = {
      "[",        "]",       "(",       ")",           "![",
      "](",       "<",       ">",       "*",           "_",
      "~~",       "`",       "```",     "\n",          "\n\n",
      " ",        "  \n",    "\\",      "|",           "|---|",
      "- ",       "1. ",     "> ",      "#",           "&",
      ";",        "&#9;",    "&#x6A;",  "&colon;",     "&amp;",
      "&#0;",     "\"",      "'",       "javascript:", "JAVASCRIPT:",
      "data:",    "http://", "mailto:", "www.",        "a@b.c",
      "x",        "\t",      "\x01",    "\xFF",        "\xC3\xA9",
      "<script>", "=",       "[r]: ",   "[r]",         "https://t.example/",
      "//",       "/\\",     "&#47;",   "](//"};
  std::mt19937 rng(42);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> count(1, 60);
  for (int round = 0; round < 5000; ++round) {
    std::string input;
    for (int n = count(rng); n > 0; --n) input += pieces[pick(rng)];
    expect_safe_html(input, render_markdown(input));
  }
}

TEST(render_markdown, deep_nesting_does_not_crash) {
  for (const std::string& input : {std::string(10000, '>') + " deep", std::string(10000, '['),
                                   std::string(10000, '*') + "a" + std::string(10000, '*'),
                                   std::string(10000, '`'), std::string(10000, '-'),
                                   [] {
                                     std::string s;
                                     for (int i = 0; i < 10000; ++i) s += "- ";
                                     return s + "x";
                                   }(),
                                   [] {
                                     std::string s;
                                     for (int i = 0; i < 5000; ++i) s += "![";
                                     s += "x";
                                     for (int i = 0; i < 5000; ++i) s += "](y)";
                                     return s;
                                   }(),
                                   [] {
                                     std::string s;
                                     for (int i = 0; i < 5000; ++i) s += "[";
                                     s += "x";
                                     for (int i = 0; i < 5000; ++i) s += "](javascript:y)";
                                     return s;
                                   }()}) {
    expect_safe_html(input.substr(0, 40), render_markdown(input));
  }
}

}  // namespace
}  // namespace ps::markdown
