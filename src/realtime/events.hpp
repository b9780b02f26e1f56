#pragma once
#include <nlohmann/json_fwd.hpp>

#include "realtime/hub.hpp"

namespace ps::realtime {

// Serialises an event once; every recipient shares the same frame.
frame_ptr make_event(const nlohmann::json& event, std::int64_t channel_id = 0, std::int64_t seq = 0);

}  // namespace ps::realtime
