#include "notifications/digest.hpp"

#include <fmt/format.h>

#include "access/policy.hpp"
#include "accounts/store.hpp"
#include "core/instants.hpp"
#include "db/database.hpp"
#include "jobs/runner.hpp"
#include "mail/outbox.hpp"
#include "notifications/digest_store.hpp"
#include "notifications/settings.hpp"
#include "notifications/store.hpp"

namespace ps::notifications {
namespace {

constexpr int members_per_run = 200;
// A day and a week less a little: the sweep's 15 minutes of drift do not skip a day.
constexpr millis daily_ms = 23LL * 60 * 60 * 1000;
constexpr millis weekly_ms = 7LL * 24 * 60 * 60 * 1000 - 60 * 60 * 1000;
constexpr int digest_minute = 8 * 60;

struct room_news {
  std::string community_name, community_slug, room_name;
  std::int64_t channel_id = 0, count = 0;
};

mail::draft digest_email(const accounts::account& to, const std::vector<room_news>& rooms,
                         std::int64_t unread, const std::string& public_url) {
  const bool fr = to.lang == locale::fr;
  std::int64_t total = 0;
  for (const auto& r : rooms) total += r.count;
  mail::draft d;
  d.to = to.email;
  d.subject = fr ? "Ce que tu as manqué dans Petite Salle" : "What you missed in Petite Salle";
  std::string body = fr ? fmt::format("Bonjour {},\n\n", to.display_name)
                        : fmt::format("Hello {},\n\n", to.display_name);
  if (total > 0)
    body += fr ? fmt::format("{} nouveaux messages depuis ton dernier passage :\n\n", total)
               : fmt::format("{} new messages since you were last here:\n\n", total);
  std::string community;
  for (const auto& r : rooms) {
    if (r.community_name != community) {
      community = r.community_name;
      body += community + "\n";
    }
    body +=
        fr ? fmt::format("  • #{} : {} message{}\n", r.room_name, r.count, r.count > 1 ? "s" : "")
           : fmt::format("  • #{}: {} message{}\n", r.room_name, r.count, r.count > 1 ? "s" : "");
    body += fmt::format("    {}/c/{}/ch/{}\n", public_url, r.community_slug, r.channel_id);
  }
  if (unread > 0)
    body += fr ? fmt::format("\nEt {} notification{} que tu n’as pas lue{} : {}/\n", unread,
                             unread > 1 ? "s" : "", unread > 1 ? "s" : "", public_url)
               : fmt::format("\nAnd {} notification{} you have not read: {}/\n", unread,
                             unread > 1 ? "s" : "", public_url);
  body += fr ? fmt::format(
                   "\nTu reçois ce résumé parce que tu n’es pas venu·e depuis quelques "
                   "jours. Pour le recevoir chaque jour, chaque semaine ou jamais : "
                   "{}/account\n",
                   public_url)
             : fmt::format(
                   "\nYou get this digest because you have not been in for a few days. "
                   "To get it daily, weekly or never: {}/account\n",
                   public_url);
  d.body = std::move(body);
  return d;
}

// Sends the member's digest if it is 8:00 where they are and they missed something.
void consider(app& app, db::transaction& tx, const digest_store::away_member& m, millis now) {
  const settings chosen = store::settings_of(tx, m.account_id).value_or(settings{});
  const auto minute = minute_of_day(now, chosen.time_zone);
  if (!minute || *minute < digest_minute || *minute >= digest_minute + 60) return;
  if (in_quiet_hours(chosen, now)) return;
  auto owner = accounts::store::account_by_id(tx, m.account_id);
  if (!owner) return;
  const millis since = std::max(m.last_active, m.last_sent_at.value_or(0));
  const caller who{m.account_id, owner->acct.lang, std::nullopt, std::nullopt};
  std::vector<room_news> rooms;
  for (const auto community_id : access::communities_of(tx, m.account_id)) {
    auto member = access::community_for(tx, who, community_id);
    if (!member) continue;
    for (const auto& room : access::visible_rooms(tx, *member)) {
      if (room.archived_at) continue;
      const auto count = digest_store::new_messages(tx, room.id, m.account_id, since);
      if (count > 0)
        rooms.push_back({member->place.name, member->place.slug, room.name, room.id, count});
    }
  }
  const auto unread = digest_store::unread_notifications(tx, m.account_id, since);
  if (rooms.empty() && unread == 0) return;
  app.outbox.enqueue(tx, digest_email(owner->acct, rooms, unread, app.cfg.public_url));
  digest_store::mark_sent(tx, m.account_id, now);
}

jobs::outcome sweep(app& app, db::transaction& tx, const jobs::job& j) {
  const millis now = app.clock.now();
  const std::int64_t after = j.payload.empty() ? 0 : std::stoll(j.payload);
  const auto away = digest_store::away_members(tx, after, now, now - away_for_digest_ms, daily_ms,
                                               weekly_ms, members_per_run);
  for (const auto& m : away) consider(app, tx, m, now);
  if (away.size() == static_cast<std::size_t>(members_per_run))
    return jobs::outcome::again(now, std::to_string(away.back().account_id));
  return jobs::outcome::again(now + digest_sweep_ms, "");
}

}  // namespace

void add_digest_job(jobs::runner& runner, app& app) {
  runner.handle(digest_job_kind,
                [&app](db::transaction& tx, const jobs::job& j) { return sweep(app, tx, j); });
  app.db.write([&](db::transaction& tx) {
    jobs::ensure(tx, digest_job_kind, "sweep", app.clock.now(), app.clock.now());
  });
}

}  // namespace ps::notifications
