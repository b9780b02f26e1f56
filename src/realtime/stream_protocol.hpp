#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.hpp"
#include "core/caller.hpp"
#include "realtime/hub.hpp"

namespace ps::realtime {

// What one stream connection says, apart from sockets: the hello, and the answers to the
// client's frames (resume, ping, and errors for anything else). Unit-tested without a network.
class stream_protocol {
 public:
  stream_protocol(app& app, caller who) : app_(app), who_(who) {}

  struct answer {
    std::vector<frame_ptr> frames;
    // For a resume: the last seq replayed per channel, so live events already replayed can be
    // dropped (see http/websocket_session.cpp).
    std::map<std::int64_t, std::int64_t> replayed_up_to;
    bool is_resume = false;
  };

  frame_ptr hello() const;
  // The communities whose events this connection receives.
  std::vector<std::int64_t> communities() const;
  answer on_text(std::string_view text);

 private:
  answer resume(const std::map<std::int64_t, std::int64_t>& channels);
  frame_ptr error(std::string_view code) const;

  app& app_;
  caller who_;
};

inline constexpr int resume_page = 200;  // chat::max_page
// A resume names the channels it follows; more than any community has is not a client's.
inline constexpr std::size_t max_resume_channels = 1000;

}  // namespace ps::realtime
