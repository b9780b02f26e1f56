#pragma once
#include <string>

#include "app/app.hpp"
#include "communities/model.hpp"
#include "mail/outbox.hpp"
#include "newsletter/model.hpp"
#include "newsletter/store.hpp"

namespace ps::jobs {
class runner;
}

// Sending an issue: the job "newsletter.send" (key: the issue's id), scheduled by
// POST /newsletters/{id}/send at its time. Each run writes the emails of up to 500 recipients
// into the outbox, members first then subscribers, each address once (newsletter_deliveries),
// and asks to run again for the next ones: a crash in the middle loses nothing and writes no
// email twice; the outbox then sends them at its own pace.
namespace ps::newsletter {

inline constexpr const char* send_job_kind = "newsletter.send";
inline constexpr int recipients_per_run = 500;

// Registers the job's handler on the node's runner.
void add_jobs(jobs::runner& runner, app& app);

// What every email of one issue shares, read and rendered once per run.
struct prepared_issue {
  const issue* it = nullptr;
  const communities::community* place = nullptr;
  std::string key;   // signs the links (newsletter/tokens.hpp)
  std::string html;  // the body, rendered
  settings of;
};
prepared_issue prepare(app& app, db::session& s, const issue& i, const communities::community& c);

// The email of the issue for `to` (a member or a subscriber), with their unsubscribe links.
// `test`: the host's own test, counted in no topic.
mail::draft email_to(app& app, const prepared_issue& p, const store::recipient& to, bool test);
mail::draft email_to(app& app, db::session& s, const issue& i, const communities::community& c,
                     const store::recipient& to, bool test);

}  // namespace ps::newsletter
