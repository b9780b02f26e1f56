#include "realtime/stream_protocol.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "access/policy.hpp"
#include "chat/service.hpp"
#include "core/json_input.hpp"
#include "db/database.hpp"
#include "realtime/event_log.hpp"
#include "realtime/events.hpp"
#include "realtime/log_store.hpp"
#include "realtime/relay.hpp"

namespace ps::realtime {

using nlohmann::json;

namespace {

json positions_json(const std::map<std::int64_t, std::int64_t>& positions) {
  json out = json::object();
  for (auto [id, pos] : positions) out[std::to_string(id)] = pos;
  return out;
}

frame_ptr resync(std::int64_t community_id, std::int64_t pos) {
  return make_event({{"type", "resync"}, {"community_id", community_id}, {"pos", pos}});
}

// {"<id>": <integer>, …} with at most max_resume_entries entries; false when it is not that.
bool read_id_map(const json& field, std::map<std::int64_t, std::int64_t>& out) {
  if (!field.is_object() || field.size() > max_resume_entries) return false;
  for (const auto& [key, value] : field.items()) {
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
    if (ec != std::errc{} || end != key.data() + key.size() || !value.is_number_integer())
      return false;
    out[id] = value.get<std::int64_t>();
  }
  return true;
}

}  // namespace

stream_protocol::start stream_protocol::prepare() {
  start out;
  app_.db.read([&](db::session& s) {
    out.communities = access::communities_of(s, who_.account_id);
    for (auto id : out.communities) out.positions[id] = log_store::last_pos(s, id);
  });
  hello_positions_ = out.positions;
  return out;
}

frame_ptr stream_protocol::hello(const start& s) const {
  return make_event({{"type", "hello"},
                     {"account_id", who_.account_id},
                     {"communities", positions_json(s.positions)}});
}

frame_ptr stream_protocol::error(std::string_view code) const {
  const bool fr = who_.lang == locale::fr;
  std::string message;
  if (code == "json_too_deep")
    message = fr ? "Ce message JSON est imbriqué trop profondément (32 niveaux au plus)."
                 : "This frame's JSON is nested too deeply (32 levels at most).";
  else if (code == "malformed_json")
    message = fr ? "Ce message n’est pas du JSON valide." : "This frame is not valid JSON.";
  else if (code == "unknown_type")
    message = fr ? "Type de message inconnu (attendu : resume, typing, presence ou ping)."
                 : "Unknown type (expected: resume, typing, presence or ping).";
  else if (code == "not_found")
    message = fr ? "On ne trouve pas ce canal." : "We can’t find this channel.";
  else if (code == "channel_archived")
    message = fr ? "Ce canal est archivé : on n’y écrit plus."
                 : "This channel is archived: no one writes in it any more.";
  else if (code == "invalid_active")
    message = fr ? "« active » doit valoir true ou false." : "“active” must be true or false.";
  else if (code == "invalid_channel_id")
    message = fr ? "« channel_id » doit être le numéro d’un canal."
                 : "“channel_id” must be a channel’s id.";
  else
    message = fr ? "Le champ « communities » (ou « channels ») doit associer des numéros à des "
                   "positions, 1 000 au plus."
                 : "The field “communities” (or “channels”) must map ids to positions, 1,000 at "
                   "most.";
  return make_event({{"type", "error"}, {"error", {{"code", code}, {"message", message}}}});
}

bool stream_protocol::needs_database(std::string_view text) {
  return text.find("resume") != std::string_view::npos;
}

stream_protocol::answer stream_protocol::on_text(std::string_view text) {
  answer out;
  if (!json_input::depth_within(text)) {
    out.frames.push_back(error("json_too_deep"));
    return out;
  }
  const auto parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    out.frames.push_back(error("malformed_json"));
    return out;
  }
  // Fields are looked at in place: value() would copy them, and a frame is untrusted.
  const auto type_field = parsed.find("type");
  const std::string_view type = type_field != parsed.end() && type_field->is_string()
                                    ? std::string_view(type_field->get_ref<const std::string&>())
                                    : std::string_view();
  if (type == "ping") {
    out.frames.push_back(make_event({{"type", "pong"}}));
    return out;
  }
  if (type == "typing") {
    const auto channel = parsed.find("channel_id");
    if (channel == parsed.end() || !channel->is_number_integer() ||
        channel->get<std::int64_t>() <= 0) {
      out.frames.push_back(error("invalid_channel_id"));
      return out;
    }
    const auto channel_id = channel->get<std::int64_t>();
    if (!typing_throttled(channel_id)) out.typing_in = channel_id;
    return out;
  }
  if (type == "presence") {
    const auto active = parsed.find("active");
    if (active == parsed.end() || !active->is_boolean()) {
      out.frames.push_back(error("invalid_active"));
      return out;
    }
    out.presence = active->get<bool>();
    return out;
  }
  if (type != "resume") {
    out.frames.push_back(error("unknown_type"));
    return out;
  }
  std::map<std::int64_t, std::int64_t> wanted;
  // The log's form names communities; the first form (channels → seq) stays for older clients.
  if (const auto communities = parsed.find("communities"); communities != parsed.end()) {
    if (!read_id_map(*communities, wanted)) {
      out.frames.push_back(error("invalid_field"));
      return out;
    }
    return resume_communities(wanted);
  }
  const auto channels = parsed.find("channels");
  if (channels == parsed.end() || !read_id_map(*channels, wanted)) {
    out.frames.push_back(error("invalid_field"));
    return out;
  }
  return resume_channels(wanted);
}

bool stream_protocol::typing_throttled(std::int64_t channel_id) {
  const millis now = app_.clock.now();
  auto it = typing_sent_.find(channel_id);
  if (it != typing_sent_.end() && now - it->second < typing_interval) return true;
  if (typing_sent_.size() >= max_typing_rooms)
    std::erase_if(typing_sent_, [&](const auto& e) { return now - e.second >= typing_interval; });
  if (typing_sent_.size() >= max_typing_rooms) return true;  // typing in 32 rooms at once: no
  typing_sent_[channel_id] = now;
  return false;
}

stream_protocol::answer stream_protocol::relay_typing(std::int64_t channel_id) {
  answer out;
  std::optional<access::audience> to;
  frame_ptr notice;
  app_.db.read([&](db::session& s) {
    auto room = access::channel_for(s, who_, channel_id);
    if (!room) {
      out.frames.push_back(error("not_found"));
      return;
    }
    if (room->place.archived_at) {
      out.frames.push_back(error("channel_archived"));
      return;
    }
    to = access::audience_of(s, room->place);
    notice = make_event({{"type", "typing"},
                         {"community_id", room->place.community_id},
                         {"channel_id", channel_id},
                         {"account_id", who_.account_id},
                         {"display_name", room->member_name}});
  });
  if (to) {
    publish(app_.hub, *to, notice);
    app_.db.announce_now(relay::typing_message(*to, notice));  // the other nodes' connections
  }
  return out;
}

// Every event after each position, in order, as its subject is now; a community too far
// behind (or ahead: a position the log never had) gets one resync instead. The work is bounded
// whatever the client sends: at most max_resume_entries communities, each answered from its
// counter when it is too far behind, and at most max_replay_total events read in all.
stream_protocol::answer stream_protocol::resume_communities(
    const std::map<std::int64_t, std::int64_t>& wanted) {
  answer out;
  out.is_resume = true;
  app_.db.read([&](db::session& s) {
    const auto mine = access::communities_of(s, who_.account_id);
    std::map<std::int64_t, std::int64_t> from = wanted;
    for (auto [id, pos] : hello_positions_) from.emplace(id, pos);  // what the client did not name
    access::room_filter rooms(s, who_);
    std::int64_t budget = max_replay_total;
    for (auto [community_id, pos] : from) {
      if (std::ranges::find(mine, community_id) == mine.end()) {
        // Not theirs (any more): nothing of it is replayed, and the client learns to drop it.
        out.frames.push_back(resync(community_id, 0));
        continue;
      }
      const std::int64_t last = log_store::last_pos(s, community_id);
      out.replayed_pos[community_id] = last;
      if (pos == last) continue;
      if (pos < 0 || pos > last || last - pos > std::min(max_replay, budget)) {
        out.frames.push_back(resync(community_id, last));
        continue;
      }
      const auto events = log_store::events_after(s, community_id, pos, last - pos);
      budget -= static_cast<std::int64_t>(events.size());
      if (events.empty() || events.front().pos != pos + 1) {  // forgotten: past the retention
        out.frames.push_back(resync(community_id, last));
        continue;
      }
      for (const auto& e : events) {
        if (e.only_account_id && *e.only_account_id != who_.account_id) continue;
        if (e.channel_id && !rooms.may_see(*e.channel_id)) continue;
        const auto* render = app_.events.find(e.type);
        if (!render) continue;
        if (auto text = (*render)(s, e)) out.frames.push_back(logged_frame(std::move(*text), e));
      }
    }
  });
  out.frames.push_back(
      make_event({{"type", "resumed"}, {"communities", positions_json(out.replayed_pos)}}));
  return out;
}

// The first form: new messages only, per channel, at most max_replay per channel and
// max_replay_total in all (older clients reload what they show after a gap). Its frames carry
// no place in the log ("community_id":0,"pos":0).
stream_protocol::answer stream_protocol::resume_channels(
    const std::map<std::int64_t, std::int64_t>& channels) {
  answer out;
  out.is_resume = true;
  json last = json::object();
  std::int64_t budget = max_replay_total;
  for (auto [channel_id, seq] : channels) {
    std::int64_t up_to = seq;
    std::int64_t replayed = 0;
    for (;;) {
      if (budget <= 0 || replayed >= max_replay) break;
      const int page =
          static_cast<int>(std::min<std::int64_t>({resume_page, budget, max_replay - replayed}));
      auto missed = chat::missed_messages(app_, who_, channel_id, up_to, page);
      if (!missed) break;  // a channel the caller may not see is skipped
      for (const auto& m : *missed) {
        out.frames.push_back(
            make_frame(chat::message_event_json("message.created", 0, 0, m), channel_id, m.seq));
        up_to = m.seq;
      }
      replayed += static_cast<std::int64_t>(missed->size());
      budget -= static_cast<std::int64_t>(missed->size());
      if (missed->size() < static_cast<std::size_t>(page)) break;
    }
    out.replayed_up_to[channel_id] = up_to;
    last[std::to_string(channel_id)] = up_to;
  }
  out.frames.push_back(make_event({{"type", "resumed"}, {"channels", last}}));
  return out;
}

}  // namespace ps::realtime
