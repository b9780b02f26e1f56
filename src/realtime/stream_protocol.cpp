#include "realtime/stream_protocol.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "chat/service.hpp"
#include "communities/store.hpp"
#include "core/json_input.hpp"
#include "db/database.hpp"
#include "realtime/events.hpp"

namespace ps::realtime {

using nlohmann::json;

frame_ptr stream_protocol::hello() const {
  return make_event({{"type", "hello"}, {"account_id", who_.account_id}});
}

std::vector<std::int64_t> stream_protocol::communities() const {
  return app_.db.read([&](db::session& s) {
    return communities::store::community_ids_of_account(s, who_.account_id);
  });
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
    message = fr ? "Type de message inconnu (attendu : resume ou ping)."
                 : "Unknown type (expected: resume or ping).";
  else
    message =
        fr ? "Le champ « channels » doit associer des numéros de canal à des numéros de séquence."
           : "The field “channels” must map channel ids to sequence numbers.";
  return make_event({{"type", "error"}, {"error", {{"code", code}, {"message", message}}}});
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
  if (type != "resume") {
    out.frames.push_back(error("unknown_type"));
    return out;
  }
  const auto channels = parsed.find("channels");
  if (channels == parsed.end() || !channels->is_object() ||
      channels->size() > max_resume_channels) {
    out.frames.push_back(error("invalid_field"));
    return out;
  }
  std::map<std::int64_t, std::int64_t> wanted;
  for (const auto& [key, value] : channels->items()) {
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
    if (ec != std::errc{} || end != key.data() + key.size() || !value.is_number_integer()) {
      out.frames.push_back(error("invalid_field"));
      return out;
    }
    wanted[id] = value.get<std::int64_t>();
  }
  return resume(wanted);
}

stream_protocol::answer stream_protocol::resume(
    const std::map<std::int64_t, std::int64_t>& channels) {
  answer out;
  out.is_resume = true;
  json last = json::object();
  for (auto [channel_id, seq] : channels) {
    std::int64_t up_to = seq;
    // Page through everything missed, oldest first; a channel the caller may not see is skipped.
    for (;;) {
      auto missed = chat::missed_messages(app_, who_, channel_id, up_to, resume_page);
      if (!missed) break;
      for (const auto& m : *missed) {
        out.frames.push_back(
            make_frame(chat::message_event_json("message.created", m), channel_id, m.seq));
        up_to = m.seq;
      }
      if (missed->size() < static_cast<std::size_t>(resume_page)) break;
    }
    out.replayed_up_to[channel_id] = up_to;
    last[std::to_string(channel_id)] = up_to;
  }
  out.frames.push_back(make_event({{"type", "resumed"}, {"channels", last}}));
  return out;
}

}  // namespace ps::realtime
