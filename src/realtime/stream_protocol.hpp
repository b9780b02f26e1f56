#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.hpp"
#include "core/caller.hpp"
#include "core/clock.hpp"
#include "realtime/hub.hpp"

namespace ps::realtime {

// What one stream connection says, apart from sockets: the hello, and the answers to the
// client's frames (resume, ping, and errors for anything else). Unit-tested without a network.
// Everything that reads the database (prepare, a resume) is run by the connection on the
// blocking pool, never on its network thread.
class stream_protocol {
 public:
  stream_protocol(app& app, caller who) : app_(app), who_(who) {}

  // Read before the connection attaches to the hub: its communities and where their logs stand.
  struct start {
    std::vector<std::int64_t> communities;
    std::map<std::int64_t, std::int64_t> positions;  // community → last position
  };
  start prepare();
  // {"type":"hello","account_id":…,"communities":{"<id>":pos,…}}
  frame_ptr hello(const start& s) const;

  struct answer {
    std::vector<frame_ptr> frames;
    // What a resume replayed, so that live events held meanwhile are not sent twice
    // (see http/websocket_session.cpp): the last position per community, or for the first
    // form of resume the last seq per channel.
    std::map<std::int64_t, std::int64_t> replayed_pos;
    std::map<std::int64_t, std::int64_t> replayed_up_to;
    bool is_resume = false;
    // A typing notice let through the throttle: the connection relays it on the blocking pool
    // (relay_typing), since it asks the policy who may see the room.
    std::optional<std::int64_t> typing_in;
    // {"type":"presence","active":…}: whether the person is using the app on this connection
    // now (push/presence.hpp). No answer.
    std::optional<bool> presence;
  };

  // Whether answering `text` reads the database (a resume).
  static bool needs_database(std::string_view text);
  answer on_text(std::string_view text);
  // {"type":"typing","community_id","channel_id","account_id","display_name"} to whoever may see
  // the room; not logged, never replayed. Answers an error frame when the caller may not see it.
  answer relay_typing(std::int64_t channel_id);

 private:
  answer resume_communities(const std::map<std::int64_t, std::int64_t>& wanted);
  answer resume_channels(const std::map<std::int64_t, std::int64_t>& channels);
  frame_ptr error(std::string_view code) const;
  bool typing_throttled(std::int64_t channel_id);

  app& app_;
  caller who_;
  // From the hello: a resume that does not name one of these communities continues from here,
  // so that nothing committed between the hello and the attach is missed.
  std::map<std::int64_t, std::int64_t> hello_positions_;
  // When this connection last relayed a typing notice, per room (a few entries: old ones are
  // forgotten).
  std::map<std::int64_t, millis> typing_sent_;
};

inline constexpr int resume_page = 200;  // chat::max_page
// A resume names the channels or communities it follows; more than anyone has is not a client's.
inline constexpr std::size_t max_resume_entries = 1000;
// A typing notice is relayed at most once per this interval per room and connection; the others
// are dropped without an answer (the web app sends one every 3 s while someone types).
inline constexpr millis typing_interval = 2500;
inline constexpr std::size_t max_typing_rooms = 32;

}  // namespace ps::realtime
