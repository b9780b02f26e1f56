#include "realtime/relay.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <vector>

#include "app/app.hpp"
#include "chat/history_cache.hpp"
#include "db/database.hpp"
#include "realtime/announcement.hpp"
#include "realtime/event_log.hpp"
#include "realtime/everywhere.hpp"
#include "realtime/log_store.hpp"

namespace ps::realtime {
namespace {

// At most this many events read back at once (a catch-up after a lost connection reads more in
// several passes).
constexpr std::int64_t read_back_page = 500;
// Past this many messages waiting, the oldest are dropped and a catch-up from the log replaces
// them: a burst of another node's posts cannot grow this node's memory without bound.
constexpr std::size_t max_queued = 20'000;

}  // namespace

relay::relay(ps::app& app)
    : app_(app), order_([this](std::int64_t community, std::int64_t from, std::int64_t to) {
        queue(fmt::format("f {} {} {}", community, from, to));
      }) {}

relay::~relay() {
  if (started_) app_.db.listen({});  // nothing more is handed to this relay
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::string relay::typing_message(const access::audience& to, const frame_ptr& frame) {
  std::string accounts = "*";
  if (to.only) {
    accounts.clear();
    for (auto id : *to.only) accounts += (accounts.empty() ? "" : ",") + std::to_string(id);
    if (accounts.empty()) accounts = "-";
  }
  return fmt::format("t {} {} {}", to.community_id, accounts, frame->text);
}

void relay::start() {
  if (!app_.db.has_other_nodes()) return;
  started_ = true;
  worker_ = std::thread([this] { run(); });
  // Listening first, then the log's ends: what commits in between is both announced and read,
  // and ordering drops the second copy.
  app_.db.listen([this](std::string_view message) { queue(std::string(message)); });
  for (auto [community, last] : app_.db.read(log_store::last_positions))
    order_.set_delivered(community, last);
  app_.hub.deliver_through(&order_);
}

void relay::queue(std::string message) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= max_queued) {
      queue_.clear();
      queue_.emplace_back();  // a catch-up from the log replaces what was dropped
    }
    queue_.push_back(std::move(message));
  }
  ready_.notify_one();
}

void relay::run() {
  for (;;) {
    std::string message;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      message = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      handle(message);
    } catch (const std::exception& e) {
      // The database went away in the middle: its listener reconnects and asks for a catch-up.
      spdlog::warn("relaying another node's change ({}): {}", message.substr(0, 80), e.what());
    }
  }
}

void relay::handle(const std::string& message) {
  if (message.empty()) return catch_up();
  if (message.starts_with("a ")) {
    if (!everywhere::apply(app_.hub, message)) spdlog::warn("unknown announcement: {}", message);
    return;
  }
  if (message.starts_with("t ")) {
    const auto w = announcement::split(message, 3);  // t COMMUNITY ACCOUNTS FRAME
    const auto community = w.size() == 4 ? announcement::number(w[1]) : std::nullopt;
    if (!community) return;
    access::audience to{*community, std::nullopt};
    if (w[2] != "*") {
      to.only.emplace();
      for (auto rest = w[2]; !rest.empty();) {
        const auto comma = rest.find(',');
        if (auto id = announcement::number(rest.substr(0, comma))) to.only->push_back(*id);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    }
    deliver(app_.hub, to, make_frame(std::string(w[3])));
    return;
  }
  const auto w = announcement::split(message, 4);  // e|f COMMUNITY FROM TO
  if (w.size() < 4 || (w[0] != "e" && w[0] != "f")) {
    spdlog::warn("unknown announcement: {}", message.substr(0, 80));
    return;
  }
  const auto community = announcement::number(w[1]), from = announcement::number(w[2]),
             to = announcement::number(w[3]);
  if (!community || !from || !to || *from < 1 || *to < *from) return;
  replay(*community, *from, *to);
  if (w[0] == "f") order_.filled(*community, *to);
}

void relay::replay(std::int64_t community_id, std::int64_t from, std::int64_t to) {
  for (std::int64_t start = from; start <= to; start += read_back_page) {
    const std::int64_t end = std::min(to, start + read_back_page - 1);
    app_.db.read([&](db::session& s) {
      std::int64_t next = start;
      auto skip_to = [&](std::int64_t pos) {
        for (; next < pos; ++next) order_.offer(community_id, next, [] {});
      };
      for (auto& e : log_store::events_after(s, community_id, start - 1, end - start + 1)) {
        skip_to(e.pos);
        next = e.pos + 1;
        // The cached page of a channel another node changed is stale here too.
        if (e.channel_id) app_.history.channel_changed(*e.channel_id);
        const auto* render = app_.events.find(e.type);
        auto text = render ? (*render)(s, e) : std::nullopt;
        if (!text) {
          order_.offer(community_id, e.pos, [] {});
          continue;
        }
        auto audience = access::audience_of_event(s, community_id, e.channel_id, e.only_account_id);
        auto frame = logged_frame(std::move(*text), e);
        order_.offer(community_id, e.pos, [this, audience = std::move(audience), frame] {
          deliver(app_.hub, audience, frame);
        });
      }
      skip_to(end + 1);  // gone from the log: nothing to deliver for them
    });
  }
}

void relay::catch_up() {
  const auto delivered = order_.delivered();
  for (auto [community, last] : delivered) {
    const auto now = app_.db.read(
        [community = community](db::session& s) { return log_store::last_pos(s, community); });
    if (now > last) replay(community, last + 1, now);
  }
  // Communities made elsewhere while this node was not listening start at their log's end.
  for (auto [community, last] : app_.db.read(log_store::last_positions))
    if (!delivered.contains(community)) order_.set_delivered(community, last);
}

}  // namespace ps::realtime
