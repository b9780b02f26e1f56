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

nlohmann::json to_json(const answer& a) {
  using nlohmann::json;
  return {{"id", a.id},
          {"prompt_id", a.prompt_id},
          {"account_id", a.account_id},
          {"display_name", a.display_name},
          {"member_number", a.member_number ? json(a.member_number) : json(nullptr)},
          {"body", a.body},
          {"answered_at", iso8601(a.answered_at)},
          {"changed_at", iso8601(a.changed_at)},
          {"reply_channel_id", a.reply_channel_id ? json(*a.reply_channel_id) : json(nullptr)},
          {"replied_at", a.replied_at ? json(iso8601(*a.replied_at)) : json(nullptr)}};
}

nlohmann::json to_json(const prompt& p, const prompt_view& v) {
  using nlohmann::json;
  json out = {{"id", p.id},
              {"channel_id", p.channel_id},
              {"message_id", p.message_id},
              {"question", p.question},
              {"closed", p.closed_at.has_value()},
              {"closed_at", p.closed_at ? json(iso8601(*p.closed_at)) : json(nullptr)},
              {"created_at", iso8601(p.created_at)},
              {"my_answer", v.mine ? to_json(*v.mine) : json(nullptr)}};
  if (v.host) out["answer_count"] = p.answers;
  return out;
}

}  // namespace ps::broadcast
