#include "conversations/model.hpp"

#include <nlohmann/json.hpp>

namespace ps::conversations {

nlohmann::json with_participants(nlohmann::json channel, const std::vector<store::person>& people) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : people) list.push_back({{"id", p.id}, {"display_name", p.display_name}});
  channel["participants"] = std::move(list);
  return channel;
}

}  // namespace ps::conversations
