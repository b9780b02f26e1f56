#include "realtime/events.hpp"

#include <nlohmann/json.hpp>

namespace ps::realtime {

std::string event_text(const nlohmann::json& event) {
  return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

frame_ptr make_event(const nlohmann::json& event, std::int64_t channel_id, std::int64_t seq) {
  return make_frame(event_text(event), channel_id, seq);
}

}  // namespace ps::realtime
