#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.hpp"
#include "core/caller.hpp"
#include "core/result.hpp"
#include "db/database.hpp"
#include "files/service.hpp"

// The images of an issue are files of the files route: the host uploads them and the body names
// them as `![alt](/api/v1/files/{id})`. Saving the issue attaches them to it (files::
// attach_outside_room), so that they are not swept and its hosts and, once it is sent, its
// members may download them with their cookie. A mail client has no cookie: in the emails each
// such image becomes a link that carries its own proof, signed like the unsubscribe links
// (newsletter/tokens.hpp), served by GET /api/v1/newsletter-images/{token} for as long as the
// file stays attached to the issue.
namespace ps::newsletter {

inline constexpr std::size_t max_images = 20;  // per issue

// The files the body shows as images of this server (`<img src="/api/v1/files/{id}">` once
// rendered, the /preview and /thumbnail forms too), each once, in their order.
std::vector<std::int64_t> image_ids(const std::string& body);

// In the transaction that writes the issue `issue_id` with this body: its images are attached
// to it, and the files it named before and names no more are released. 422 naming `body` when
// an image is not the caller's upload in the community (nor already this issue's), or there
// are more than max_images.
outcome attach_images(app& app, db::transaction& tx, const caller& who, std::int64_t community_id,
                      std::int64_t issue_id, const std::string& body);

// The rendered body (newsletter/render.hpp's body_html, URLs made absolute) with each image of
// `attached` shown through its signed link instead: `{public_url}/api/v1/newsletter-images/
// {token}`. An empty key (none made yet) changes nothing.
std::string with_signed_images(const std::string& html, const std::string& public_url,
                               const std::string& key, std::int64_t issue_id,
                               std::span<const std::int64_t> attached);

// The token of an issue's image: tokens::sign(key, "i|<issue id>|<file id>").
std::string image_token(const std::string& key, std::int64_t issue_id, std::int64_t file_id);
struct image_claim {
  std::int64_t issue_id = 0;
  std::int64_t file_id = 0;
};
std::optional<image_claim> read_image_token(const std::string& key, std::string_view token);

// What GET /newsletter-images/{token} sends: the file, if the token is ours and the file is
// still attached to that issue; 404 otherwise (forged, altered, or released since).
result<files::servable> open_image(app& app, std::string_view token);

}  // namespace ps::newsletter
