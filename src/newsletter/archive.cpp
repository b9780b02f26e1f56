#include "newsletter/archive.hpp"

#include <charconv>

#include "communities/store.hpp"
#include "db/database.hpp"
#include "newsletter/sending.hpp"
#include "newsletter/store.hpp"
#include "newsletter/tokens.hpp"

namespace ps::newsletter {

std::string archive_token(const std::string& key, std::int64_t issue_id) {
  return tokens::sign(key, "a|" + std::to_string(issue_id));
}

std::optional<std::int64_t> read_archive_token(const std::string& key, std::string_view token) {
  auto payload = tokens::verify(key, token);
  if (!payload || !payload->starts_with("a|")) return std::nullopt;
  std::int64_t id = 0;
  const char* first = payload->data() + 2;
  const char* last = payload->data() + payload->size();
  auto [end, ec] = std::from_chars(first, last, id);
  if (ec != std::errc() || end != last || id <= 0) return std::nullopt;
  return id;
}

result<archived> open_archive(app& app, std::string_view token) {
  return app.db.read([&](db::session& s) -> result<archived> {
    auto key = tokens::existing_key(s);
    auto id = key ? read_archive_token(*key, token) : std::nullopt;
    auto i = id ? store::issue_by_id(s, *id) : std::nullopt;
    if (!i || i->status != "sent" || !i->to_subscribers) return errors::not_found("newsletter");
    auto place = communities::store::community_by_id(s, i->community_id);
    if (!place) return errors::not_found("newsletter");
    archived out{std::move(*i), std::move(*place), {}};
    out.html = prepare(app, s, out.it, out.place).html;
    return out;
  });
}

}  // namespace ps::newsletter
