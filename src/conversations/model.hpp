#pragma once
#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "chat/model.hpp"
#include "conversations/store.hpp"

namespace ps::conversations {

// A channel's JSON with its participants ([{id, display_name}]).
nlohmann::json with_participants(nlohmann::json channel, const std::vector<store::person>& people);

}  // namespace ps::conversations
