#include "mentions/service.hpp"

#include <algorithm>

#include "access/policy.hpp"
#include "core/text.hpp"
#include "db/database.hpp"
#include "mentions/errors.hpp"
#include "mentions/store.hpp"

namespace ps::mentions {

result<resolved> resolve(db::session& s, const access::channel_ref& room,
                         std::string_view rendered) {
  found f = mentions_in(rendered);
  if (f.members.size() > max_members_per_item)
    return errors::invalid("body", field_problem::too_many, max_members_per_item);
  std::map<std::int64_t, std::string> names;
  if (!f.members.empty()) {
    // Each one asked as the access policy asks for anyone reading the room.
    std::vector<caller> mentioned;
    for (auto id : f.members) mentioned.push_back(caller{id, locale::fr, {}, {}});
    std::vector<access::room_request> asked;
    for (const auto& c : mentioned) asked.push_back({&c, room.place.id});
    auto seen = access::channels_for(s, asked);
    for (std::size_t i = 0; i < seen.size(); ++i) {
      if (!seen[i]) return errors::of(not_in_room);
      names.emplace(f.members[i], seen[i]->member_name);
    }
  }
  const bool host = room.is_host();
  f.everyone = f.everyone && host;
  f.here = f.here && host;
  return resolved{marked_up(rendered, names, host), std::move(f)};
}

void record(db::transaction& tx, std::string_view item_kind, std::int64_t item_id,
            const access::channel_ref& room, std::int64_t author_id, const found& f, millis at) {
  std::vector<store::row> rows;
  for (auto id : f.members) rows.push_back({id, "member"});
  if (f.everyone) rows.push_back({0, "everyone"});
  if (f.here) rows.push_back({0, "here"});
  if (!rows.empty()) store::insert(tx, item_kind, item_id, room.place.id, author_id, rows, at);
}

void replace(db::transaction& tx, std::string_view item_kind, std::int64_t item_id,
             const access::channel_ref& room, std::int64_t author_id, const found& f, millis at) {
  forget(tx, item_kind, item_id);
  record(tx, item_kind, item_id, room, author_id, f, at);
}

void forget(db::transaction& tx, std::string_view item_kind, std::int64_t item_id) {
  store::remove(tx, item_kind, item_id);
}

namespace {

// A name's words, folded (lower case, accents off): "Béa Lévesque" -> {"bea", "levesque"}.
std::vector<std::string> folded_words(std::string_view name) {
  std::vector<std::string> words;
  const std::string folded = text::slugify(name);
  std::size_t at = 0;
  while (at < folded.size()) {
    const std::size_t end = std::min(folded.find('-', at), folded.size());
    if (end > at) words.push_back(folded.substr(at, end - at));
    at = end + 1;
  }
  return words;
}

// 0: the first word starts with it; 1: another word does; 2: the name holds it; -1: no match.
int rank_of(const std::vector<std::string>& words, const std::string& typed) {
  if (typed.empty()) return 0;
  for (std::size_t i = 0; i < words.size(); ++i)
    if (words[i].starts_with(typed)) return i == 0 ? 0 : 1;
  std::string joined;
  for (const auto& w : words) joined += w;
  return joined.find(typed) != std::string::npos ? 2 : -1;
}

}  // namespace

result<suggestions> mentionable(app& app, const caller& who, std::int64_t channel_id,
                                std::string_view typed, int limit) {
  if (limit < 1 || limit > max_suggestions)
    return errors::invalid("limit", field_problem::out_of_range, max_suggestions);
  if (typed.size() > 100) return errors::invalid("q", field_problem::too_long, 100);
  if (!text::is_valid_utf8(typed)) return errors::invalid("q", field_problem::invalid_format);
  std::string folded_typed;
  for (const auto& w : folded_words(typed)) folded_typed += w;

  return app.db.read([&](db::session& s) -> result<suggestions> {
    auto room = access::channel_for(s, who, channel_id);
    if (!room) return room.error();
    // Who may be mentioned is who may see the room: its audience, as the policy decides it.
    const auto audience = access::audience_of(s, room->place);
    std::vector<store::candidate> candidates;
    if (audience.only) {
      const auto& ids = *audience.only;
      for (std::size_t at = 0; at < ids.size(); at += db::max_batch) {
        const auto piece = std::span(ids).subspan(at, std::min(db::max_batch, ids.size() - at));
        for (auto& c : store::accounts_named(s, piece)) candidates.push_back(std::move(c));
      }
    } else {
      candidates = store::community_members(s, room->place.community_id);
    }
    struct ranked {
      int rank;
      std::string key;
      store::candidate* c;
    };
    std::vector<ranked> matching;
    for (auto& c : candidates) {
      const auto words = folded_words(c.display_name);
      const int rank = rank_of(words, folded_typed);
      if (rank < 0) continue;
      std::string key;
      for (const auto& w : words) key += w + ' ';
      matching.push_back({rank, std::move(key), &c});
    }
    std::ranges::sort(matching, [](const ranked& a, const ranked& b) {
      if (a.rank != b.rank) return a.rank < b.rank;
      if (a.key != b.key) return a.key < b.key;
      return a.c->account_id < b.c->account_id;
    });
    suggestions out;
    for (std::size_t i = 0; i < matching.size() && static_cast<int>(i) < limit; ++i)
      out.members.push_back({matching[i].c->account_id, matching[i].c->display_name});
    if (room->is_host()) {
      out.everyone = std::string_view("everyone").starts_with(folded_typed);
      out.here = std::string_view("here").starts_with(folded_typed);
    }
    return out;
  });
}

}  // namespace ps::mentions
