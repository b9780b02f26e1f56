#include "broadcast/events.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "access/policy.hpp"
#include "broadcast/prompt_store.hpp"
#include "broadcast/store.hpp"
#include "realtime/events.hpp"

namespace ps::broadcast {
namespace {

std::optional<std::string> replay_poll(db::session& s, const realtime::logged_event& e) {
  if (!e.subject_id) return std::nullopt;
  auto p = store::poll_by_id(s, *e.subject_id);
  if (!p) return std::nullopt;
  // Closed or not as of the event's own time: a replayed poll.created stays open.
  return poll_event_json(e.type, e, *p,
                         e.type == "poll.closed" && p->closes_at ? *p->closes_at : e.created_at);
}

std::optional<std::string> replay_prompt(db::session& s, const realtime::logged_event& e) {
  if (!e.subject_id) return std::nullopt;
  auto p = store::prompt_by_id(s, *e.subject_id);
  if (!p) return std::nullopt;
  return prompt_event_json(e, *p);
}

// As it is now, to the one person the event was logged for, if they may still read it: its
// author, or someone who is a host now.
std::optional<std::string> replay_answer(db::session& s, const realtime::logged_event& e) {
  if (!e.subject_id || !e.actor_id || !e.only_account_id) return std::nullopt;
  if (*e.only_account_id != *e.actor_id) {
    const auto hosts = access::hosts_of(s, e.community_id);
    if (std::ranges::find(hosts, *e.only_account_id) == hosts.end()) return std::nullopt;
  }
  auto p = store::prompt_by_id(s, *e.subject_id);
  if (!p) return std::nullopt;
  auto a = store::answer_of(s, p->id, *e.actor_id);
  if (!a) return std::nullopt;
  return answer_event_json(e, *p, *a);
}

}  // namespace

void add_event_types(realtime::event_catalog& catalog) {
  for (const char* type : {"poll.created", "poll.voted", "poll.closed"})
    catalog.add(type, replay_poll);
  for (const char* type : {"prompt.created", "prompt.changed"}) catalog.add(type, replay_prompt);
  for (const char* type : {"prompt.answered", "prompt.replied"}) catalog.add(type, replay_answer);
}

std::string prompt_event_json(const realtime::logged_event& e, const prompt& p) {
  return realtime::event_text({{"type", e.type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"prompt", to_json(p, prompt_view{})}});
}

std::string answer_event_json(const realtime::logged_event& e, const prompt& p, const answer& a) {
  return realtime::event_text({{"type", e.type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"prompt", to_json(p, prompt_view{})},
                               {"answer", to_json(a)}});
}

std::string poll_event_json(std::string_view type, const realtime::logged_event& e, const poll& p,
                            millis now) {
  return realtime::event_text({{"type", type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"poll", to_json(p, view{}, now)}});
}

std::string mute_event_json(const realtime::logged_event& e, bool muted) {
  return realtime::event_text({{"type", e.type},
                               {"community_id", e.community_id},
                               {"pos", e.pos},
                               {"channel_id", e.channel_id.value_or(0)},
                               {"muted", muted}});
}

}  // namespace ps::broadcast
