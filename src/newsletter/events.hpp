#pragma once
#include "app/app.hpp"
#include "newsletter/model.hpp"
#include "realtime/event_log.hpp"

// The newsletter's events:
// - newsletter.changed {"type", "community_id", "pos", "newsletter": {…}} (created, edited,
//   scheduled, unscheduled, sending, sent), or {"newsletter_id", "deleted": true}: to each host
//   alone, one event each (drafts are theirs);
// - newsletter.published {"newsletter": {…}}: to the whole community, when an issue for the
//   members is sent (the archive has a new issue);
// - newsletter.comment.created {"newsletter_id", "comment": {…}}: to whoever may read the issue.
namespace ps::newsletter {

void add_event_types(realtime::event_catalog& catalog);
void record_changed(app& app, db::transaction& tx, const issue& i, bool deleted);
void record_published(app& app, db::transaction& tx, const issue& i);
void record_comment(app& app, db::transaction& tx, const issue& i, const comment& c);

}  // namespace ps::newsletter
