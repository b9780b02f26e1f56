#include "broadcast/model.hpp"

#include <nlohmann/json.hpp>

namespace ps::broadcast {

nlohmann::json to_json(const poll& p, const view& v, millis now) {
  using nlohmann::json;
  json options = json::array();
  for (const auto& o : p.options) {
    json one = {{"id", o.id}, {"text", o.text}};
    if (v.results) one["count"] = o.count;
    if (v.names) one["voter_ids"] = o.voters;
    options.push_back(std::move(one));
  }
  json out = {{"id", p.id},
              {"channel_id", p.channel_id},
              {"message_id", p.message_id},
              {"question", p.question},
              {"options", std::move(options)},
              {"multiple", p.multiple},
              {"anonymous", p.anonymous},
              {"closes_at", p.closes_at ? json(iso8601(*p.closes_at)) : json(nullptr)},
              {"closed", p.closed(now)},
              {"created_at", iso8601(p.created_at)},
              {"results_visible", v.results},
              {"my_option_ids", v.mine}};
  if (v.results) out["voters"] = p.voters;
  return out;
}

}  // namespace ps::broadcast
