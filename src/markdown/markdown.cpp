#include "markdown/markdown.hpp"

#include <md4c.h>

#include <exception>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"
#include "markdown/safe_html.hpp"

// Our own HTML renderer over md4c's parser callbacks. md4c-html would be
// shorter, but it keeps javascript: and data: URLs and has no hook to refuse
// them. The output mirrors md4c-html (and so CommonMark's reference HTML) tag
// for tag, so its tests and the spec examples stay a guide. What it writes for
// text, attributes and URLs is decided by safe_html.hpp.
namespace ps::markdown {
namespace {

constexpr unsigned parser_flags = MD_FLAG_NOHTML | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH |
                                  MD_FLAG_PERMISSIVEURLAUTOLINKS | MD_FLAG_PERMISSIVEWWWAUTOLINKS |
                                  MD_FLAG_PERMISSIVEEMAILAUTOLINKS;

using safe_html::append_attribute;
using safe_html::append_entity;
using safe_html::append_escaped;
using safe_html::append_url;
using safe_html::decode_url;
using safe_html::is_allowed_url;
using safe_html::is_remote_url;
using text::replacement_char;

class html_renderer {
 public:
  explicit html_renderer(std::string& out) : out_(out) {}

  // md4c is C: an exception must not unwind through it. Each callback parks
  // the exception and stops the parse; render_markdown rethrows it.
  template <auto Member, typename... Args>
  static int callback(Args... args, void* userdata) {
    auto* self = static_cast<html_renderer*>(userdata);
    try {
      (self->*Member)(args...);
      return 0;
    } catch (...) {
      self->error_ = std::current_exception();
      return 1;
    }
  }

  std::exception_ptr error() const { return error_; }

  void enter_block(MD_BLOCKTYPE type, void* detail) {
    switch (type) {
      case MD_BLOCK_QUOTE:
        out_ += "<blockquote>\n";
        break;
      case MD_BLOCK_UL:
        out_ += "<ul>\n";
        break;
      case MD_BLOCK_OL: {
        const unsigned start = static_cast<MD_BLOCK_OL_DETAIL*>(detail)->start;
        out_ += start == 1 ? "<ol>\n" : "<ol start=\"" + std::to_string(start) + "\">\n";
        break;
      }
      case MD_BLOCK_LI:
        out_ += "<li>";
        break;
      case MD_BLOCK_HR:
        out_ += "<hr>\n";
        break;
      case MD_BLOCK_H:
        out_ += heading_tag("<h", detail);
        break;
      case MD_BLOCK_CODE: {
        const auto& lang = static_cast<MD_BLOCK_CODE_DETAIL*>(detail)->lang;
        out_ += "<pre><code";
        if (lang.size > 0) {
          out_ += " class=\"language-";
          append_attribute(out_, lang);
          out_ += '"';
        }
        out_ += '>';
        break;
      }
      case MD_BLOCK_P:
        out_ += "<p>";
        break;
      case MD_BLOCK_TABLE:
        out_ += "<table>\n";
        break;
      case MD_BLOCK_THEAD:
        out_ += "<thead>\n";
        break;
      case MD_BLOCK_TBODY:
        out_ += "<tbody>\n";
        break;
      case MD_BLOCK_TR:
        out_ += "<tr>\n";
        break;
      case MD_BLOCK_TH:
        open_cell("<th", detail);
        break;
      case MD_BLOCK_TD:
        open_cell("<td", detail);
        break;
      default:
        break;  // the document itself; raw HTML blocks are disabled
    }
  }

  void leave_block(MD_BLOCKTYPE type, void* detail) {
    switch (type) {
      case MD_BLOCK_QUOTE:
        out_ += "</blockquote>\n";
        break;
      case MD_BLOCK_UL:
        out_ += "</ul>\n";
        break;
      case MD_BLOCK_OL:
        out_ += "</ol>\n";
        break;
      case MD_BLOCK_LI:
        out_ += "</li>\n";
        break;
      case MD_BLOCK_H:
        out_ += heading_tag("</h", detail) + "\n";
        break;
      case MD_BLOCK_CODE:
        out_ += "</code></pre>\n";
        break;
      case MD_BLOCK_P:
        out_ += "</p>\n";
        break;
      case MD_BLOCK_TABLE:
        out_ += "</table>\n";
        break;
      case MD_BLOCK_THEAD:
        out_ += "</thead>\n";
        break;
      case MD_BLOCK_TBODY:
        out_ += "</tbody>\n";
        break;
      case MD_BLOCK_TR:
        out_ += "</tr>\n";
        break;
      case MD_BLOCK_TH:
        out_ += "</th>\n";
        break;
      case MD_BLOCK_TD:
        out_ += "</td>\n";
        break;
      default:
        break;
    }
  }

  void enter_span(MD_SPANTYPE type, void* detail) {
    // Inside an image everything is alt text: no tags, only nesting count.
    if (image_depth_ > 0) {
      if (type == MD_SPAN_IMG) ++image_depth_;
      return;
    }
    switch (type) {
      case MD_SPAN_EM:
        out_ += "<em>";
        break;
      case MD_SPAN_STRONG:
        out_ += "<strong>";
        break;
      case MD_SPAN_CODE:
        out_ += "<code>";
        break;
      case MD_SPAN_DEL:
        out_ += "<del>";
        break;
      case MD_SPAN_A:
        open_link(*static_cast<MD_SPAN_A_DETAIL*>(detail));
        break;
      case MD_SPAN_IMG:
        open_image(*static_cast<MD_SPAN_IMG_DETAIL*>(detail));
        break;
      default:
        break;  // extensions we do not enable
    }
  }

  void leave_span(MD_SPANTYPE type, void* detail) {
    if (type == MD_SPAN_IMG) {
      if (--image_depth_ == 0) close_image(*static_cast<MD_SPAN_IMG_DETAIL*>(detail));
      return;
    }
    if (image_depth_ > 0) return;
    switch (type) {
      case MD_SPAN_EM:
        out_ += "</em>";
        break;
      case MD_SPAN_STRONG:
        out_ += "</strong>";
        break;
      case MD_SPAN_CODE:
        out_ += "</code>";
        break;
      case MD_SPAN_DEL:
        out_ += "</del>";
        break;
      case MD_SPAN_A:
        // md4c pairs enter and leave; the check only keeps a bug of ours from being UB.
        if (links_allowed_.empty()) break;
        if (links_allowed_.back()) out_ += "</a>";
        links_allowed_.pop_back();
        break;
      default:
        break;
    }
  }

  void text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size) {
    const std::string_view t(text, size);
    switch (type) {
      case MD_TEXT_NULLCHAR:
        out_ += replacement_char;
        break;
      case MD_TEXT_BR:
        out_ += image_depth_ > 0 ? " " : "<br>\n";
        break;
      case MD_TEXT_SOFTBR:
        out_ += image_depth_ > 0 ? " " : "\n";
        break;
      case MD_TEXT_ENTITY:
        append_entity(out_, t);
        break;
      // Normal and code text, and raw HTML should it ever come: all escaped.
      default:
        append_escaped(out_, t);
        break;
    }
  }

 private:
  static std::string heading_tag(std::string_view open, void* detail) {
    const unsigned level = static_cast<MD_BLOCK_H_DETAIL*>(detail)->level;
    return std::string(open) + std::to_string(level) + ">";
  }

  void open_cell(std::string_view tag, void* detail) {
    out_ += tag;
    switch (static_cast<MD_BLOCK_TD_DETAIL*>(detail)->align) {
      case MD_ALIGN_LEFT:
        out_ += " align=\"left\"";
        break;
      case MD_ALIGN_CENTER:
        out_ += " align=\"center\"";
        break;
      case MD_ALIGN_RIGHT:
        out_ += " align=\"right\"";
        break;
      default:
        break;
    }
    out_ += '>';
  }

  // A refused link keeps its text and loses its <a>.
  void open_link(const MD_SPAN_A_DETAIL& a) {
    const std::string url = decode_url(a.href);
    links_allowed_.push_back(is_allowed_url(url));
    if (!links_allowed_.back()) return;
    out_ += "<a href=\"";
    append_url(out_, url);
    out_ += '"';
    append_title(a.title);
    out_ += " rel=\"noopener noreferrer nofollow\" target=\"_blank\">";
  }

  // A refused image shows its alt text as plain text. A remote image becomes a link to it with
  // its alt text: an <img> would make every reader's browser fetch it, telling its server who
  // reads the channel and when. Inside a link (where an <a> may not nest) it is only its alt
  // text, marked so the web app shows it as an image. Only an image of this server stays <img>.
  void open_image(const MD_SPAN_IMG_DETAIL& img) {
    ++image_depth_;
    const std::string url = decode_url(img.src);
    if (!is_allowed_url(url)) {
      image_ = image_kind::refused;
    } else if (!is_remote_url(url)) {
      image_ = image_kind::local;
      out_ += "<img src=\"";
      append_url(out_, url);
      out_ += "\" alt=\"";
    } else if (inside_link()) {
      image_ = image_kind::remote_in_link;
      out_ += "<span class=\"remote-image\">";
    } else {
      image_ = image_kind::remote;
      out_ += "<a href=\"";
      append_url(out_, url);
      out_ += '"';
      append_title(img.title);
      out_ += " class=\"remote-image\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">";
    }
    alt_start_ = out_.size();
  }

  void close_image(const MD_SPAN_IMG_DETAIL& img) {
    switch (image_) {
      case image_kind::refused:
        break;
      case image_kind::local:
        out_ += '"';
        append_title(img.title);
        out_ += '>';
        break;
      case image_kind::remote_in_link:
        out_ += "</span>";
        break;
      case image_kind::remote:
        // Without alt text the link shows where it leads.
        if (out_.size() == alt_start_) append_escaped(out_, decode_url(img.src));
        out_ += "</a>";
        break;
    }
  }

  bool inside_link() const {
    for (const bool open : links_allowed_)
      if (open) return true;
    return false;
  }

  void append_title(const MD_ATTRIBUTE& title) {
    if (title.size == 0) return;
    out_ += " title=\"";
    append_attribute(out_, title);
    out_ += '"';
  }

  std::string& out_;
  std::exception_ptr error_;
  std::vector<bool> links_allowed_;  // one per open link
  int image_depth_ = 0;              // images nest inside alt text
  // How the outermost open image is written.
  enum class image_kind { refused, local, remote, remote_in_link };
  image_kind image_ = image_kind::refused;
  std::size_t alt_start_ = 0;  // where its alt text begins in out_
};

// What a reader should still see when md4c gives up (it only fails when
// out of memory): the text, escaped.
std::string render_as_plain_text(std::string_view text) {
  std::string out = "<p>";
  append_escaped(out, text);
  out += "</p>\n";
  return out;
}

}  // namespace

std::string render_markdown(std::string_view markdown) {
  // Messages end up in JSON, whose encoders reject invalid UTF-8: every byte copied through is
  // valid.
  const std::string input = text::to_valid_utf8(markdown);
  if (input.size() > std::numeric_limits<MD_SIZE>::max()) {
    return render_as_plain_text(input);
  }
  std::string out;
  out.reserve(input.size() + input.size() / 4 + 16);
  html_renderer renderer(out);

  using r = html_renderer;
  MD_PARSER parser{};
  parser.flags = parser_flags;
  parser.enter_block = &r::callback<&r::enter_block, MD_BLOCKTYPE, void*>;
  parser.leave_block = &r::callback<&r::leave_block, MD_BLOCKTYPE, void*>;
  parser.enter_span = &r::callback<&r::enter_span, MD_SPANTYPE, void*>;
  parser.leave_span = &r::callback<&r::leave_span, MD_SPANTYPE, void*>;
  parser.text = &r::callback<&r::text, MD_TEXTTYPE, const MD_CHAR*, MD_SIZE>;

  const int rc = md_parse(input.data(), static_cast<MD_SIZE>(input.size()), &parser, &renderer);
  if (renderer.error()) std::rethrow_exception(renderer.error());
  if (rc != 0) return render_as_plain_text(input);
  return out;
}

}  // namespace ps::markdown
