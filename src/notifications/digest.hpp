#pragma once
#include "app/app.hpp"

namespace ps::jobs {
class runner;
}

// The digest: members who have not opened the app for three days get, at most daily or weekly
// (their choice in GET/PUT /me/notifications `digest`: off, daily, weekly; weekly unless they
// say otherwise), an email of what they missed since they were last in the app or got the last
// one: the new messages of each room they may see (access::visible_rooms decides, as for every
// path) and their unread notifications, in their language, at 8:00 in their time zone. Nothing
// missed, no email. The sweep is scheduled work (jobs/): the job "notifications.digest" runs
// every 15 minutes, 200 members per run, and survives restarts like any job.
namespace ps::notifications {

inline constexpr const char* digest_job_kind = "notifications.digest";
inline constexpr millis away_for_digest_ms = 3LL * 24 * 60 * 60 * 1000;
inline constexpr millis digest_sweep_ms = 15 * 60 * 1000;

// Registers the sweep's handler, and makes the sweep's job if there is none yet.
void add_digest_job(jobs::runner& runner, app& app);

}  // namespace ps::notifications
