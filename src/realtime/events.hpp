#pragma once
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "realtime/hub.hpp"

namespace ps::realtime {

// An event's JSON text: invalid UTF-8 in user text becomes U+FFFD instead of throwing. Every
// event (live or replayed) is written by this or by core/json_writer.hpp.
std::string event_text(const nlohmann::json& event);

// Serialises an event once; every recipient shares the same frame.
frame_ptr make_event(const nlohmann::json& event, std::int64_t channel_id = 0, std::int64_t seq = 0);

}  // namespace ps::realtime
