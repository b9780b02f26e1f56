#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "core/caller.hpp"
#include "realtime/stream_protocol.hpp"

namespace ps::testing {

// The frames a client of `who` receives when it resumes the community from `pos`, as parsed
// JSON: what the stream would replay to that person, the policy's filtering included.
inline std::vector<nlohmann::json> resume_frames(app& a, const caller& who,
                                                 std::int64_t community_id, std::int64_t pos) {
  realtime::stream_protocol p(a, who);
  (void)p.prepare();
  auto answer = p.on_text(
      nlohmann::json{{"type", "resume"}, {"communities", {{std::to_string(community_id), pos}}}}
          .dump());
  std::vector<nlohmann::json> out;
  for (const auto& f : answer.frames) out.push_back(nlohmann::json::parse(f->text));
  return out;
}

}  // namespace ps::testing
