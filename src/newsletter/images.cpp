#include "newsletter/images.hpp"

#include <algorithm>
#include <charconv>
#include <functional>

#include "files/model.hpp"
#include "markdown/markdown.hpp"
#include "newsletter/errors.hpp"
#include "newsletter/tokens.hpp"

namespace ps::newsletter {
namespace {

constexpr std::string_view files_path = "/api/v1/files/";

std::optional<std::int64_t> number(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

// Calls `found(id, from, to)` for each `src="<prefix>{id}"` of the HTML (also with /preview or
// /thumbnail after the id), [from, to) being the URL between the quotes. Only attributes can
// hold `src="`: a quote in the text is escaped by the renderer.
void each_file_image(std::string_view html, const std::string& prefix,
                     const std::function<void(std::int64_t, std::size_t, std::size_t)>& found) {
  const std::string start = "src=\"" + prefix;
  for (std::size_t at = 0; (at = html.find(start, at)) != std::string_view::npos;) {
    const std::size_t url = at + 5;
    const std::size_t digits = at + start.size();
    std::size_t end = digits;
    while (end < html.size() && html[end] >= '0' && html[end] <= '9') ++end;
    auto id = number(html.substr(digits, end - digits));
    std::string_view rest = html.substr(end);
    for (std::string_view variant : {"/preview", "/thumbnail"})
      if (rest.starts_with(variant)) {
        end += variant.size();
        break;
      }
    at = end;
    if (id && end < html.size() && html[end] == '"') found(*id, url, end);
  }
}

std::vector<std::string_view> parts_of(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t at; (at = s.find('|', start)) != std::string_view::npos; start = at + 1)
    out.push_back(s.substr(start, at - start));
  out.push_back(s.substr(start));
  return out;
}

api_error refused(const error_kind& kind) {
  api_error e = errors::of(kind);
  e.field = "body";
  return e;
}

}  // namespace

std::vector<std::int64_t> image_ids(const std::string& body) {
  std::vector<std::int64_t> ids;
  each_file_image(render_markdown(body), std::string(files_path),
                  [&](std::int64_t id, std::size_t, std::size_t) {
                    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
                  });
  return ids;
}

outcome attach_images(app& app, db::transaction& tx, const caller& who, std::int64_t community_id,
                      std::int64_t issue_id, const std::string& body) {
  const auto ids = image_ids(body);
  if (ids.size() > max_images) return refused(too_many_images);
  auto attached = files::attach_outside_room(tx, who, community_id, files::on_newsletter, issue_id,
                                             ids, "body");
  if (!attached) return refused(image_not_attachable);
  files::release_except(app, tx, files::on_newsletter, issue_id, ids);
  return done;
}

std::string with_signed_images(const std::string& html, const std::string& public_url,
                               const std::string& key, std::int64_t issue_id,
                               std::span<const std::int64_t> attached) {
  if (key.empty() || attached.empty()) return html;
  std::string out;
  std::size_t copied = 0;
  each_file_image(html, public_url + std::string(files_path),
                  [&](std::int64_t id, std::size_t from, std::size_t to) {
                    if (std::find(attached.begin(), attached.end(), id) == attached.end()) return;
                    out.append(html, copied, from - copied);
                    out +=
                        public_url + "/api/v1/newsletter-images/" + image_token(key, issue_id, id);
                    copied = to;
                  });
  out.append(html, copied);
  return out;
}

std::string image_token(const std::string& key, std::int64_t issue_id, std::int64_t file_id) {
  return tokens::sign(key, "i|" + std::to_string(issue_id) + "|" + std::to_string(file_id));
}

std::optional<image_claim> read_image_token(const std::string& key, std::string_view token) {
  if (key.empty()) return std::nullopt;
  auto payload = tokens::verify(key, token);
  if (!payload) return std::nullopt;
  const auto parts = parts_of(*payload);
  if (parts.size() != 3 || parts[0] != "i") return std::nullopt;
  auto issue = number(parts[1]);
  auto file = number(parts[2]);
  if (!issue || !file) return std::nullopt;
  return image_claim{*issue, *file};
}

result<files::servable> open_image(app& app, std::string_view token) {
  const auto key = app.db.read([](db::session& s) { return tokens::existing_key(s); });
  auto claim = read_image_token(key.value_or(""), token);
  if (!claim) return errors::not_found("file");
  // The original, not the WebP preview: WebP is what some mail clients (Outlook for Windows)
  // do not show, and the original was re-encoded without its metadata at upload.
  return files::open_attached(app, files::on_newsletter, claim->issue_id, claim->file_id,
                              files::variant::original);
}

}  // namespace ps::newsletter
