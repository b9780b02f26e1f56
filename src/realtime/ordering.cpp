#include "realtime/ordering.hpp"

#include <spdlog/spdlog.h>

#include <optional>
#include <tuple>
#include <utility>

namespace ps::realtime {

void ordering::set_delivered(std::int64_t community, std::int64_t last) {
  std::lock_guard lock(mutex_);
  line& l = lines_[community];
  if (last > l.last) l.last = last;
}

void ordering::deliver_waiting(line& l) {
  while (!l.waiting.empty() && l.waiting.begin()->first <= l.last + 1) {
    auto next = l.waiting.begin();
    if (next->first == l.last + 1) {
      next->second();
      l.last = next->first;
    }
    l.waiting.erase(next);
  }
}

void ordering::offer(std::int64_t community, std::int64_t pos, std::function<void()> deliver) {
  std::optional<std::tuple<std::int64_t, std::int64_t, std::int64_t>> ask;
  {
    std::lock_guard lock(mutex_);
    line& l = lines_[community];
    if (pos <= l.last) return;  // delivered already (its notification came after its commit)
    if (pos == l.last + 1) {
      deliver();
      l.last = pos;
      deliver_waiting(l);
      return;
    }
    l.waiting.emplace(pos, std::move(deliver));
    if (!l.filling) {
      l.filling = true;
      ask.emplace(community, l.last + 1, l.waiting.begin()->first - 1);
    }
  }
  if (ask) fill_(std::get<0>(*ask), std::get<1>(*ask), std::get<2>(*ask));
}

void ordering::filled(std::int64_t community, std::int64_t up_to) {
  std::optional<std::pair<std::int64_t, std::int64_t>> ask;
  {
    std::lock_guard lock(mutex_);
    auto it = lines_.find(community);
    if (it == lines_.end()) return;
    line& l = it->second;
    l.filling = false;
    if (l.last < up_to) {
      // Read back and still missing: those positions are gone from the log (past its
      // retention). Nothing more can come for them; what waited goes out in order.
      spdlog::warn("community {}: positions {}..{} could not be read back; skipped", community,
                   l.last + 1, up_to);
      l.last = up_to;
      deliver_waiting(l);
    }
    // A later gap, opened while this one was being filled.
    if (!l.waiting.empty()) {
      l.filling = true;
      ask.emplace(l.last + 1, l.waiting.begin()->first - 1);
    }
  }
  if (ask) fill_(community, ask->first, ask->second);
}

std::map<std::int64_t, std::int64_t> ordering::delivered() const {
  std::lock_guard lock(mutex_);
  std::map<std::int64_t, std::int64_t> out;
  for (const auto& [community, l] : lines_) out.emplace(community, l.last);
  return out;
}

}  // namespace ps::realtime
