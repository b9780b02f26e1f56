#include "chat/history_cache.hpp"

namespace ps::chat {

history_cache::ticket history_cache::current(std::int64_t channel_id) const {
  std::lock_guard lock(mutex_);
  auto it = versions_.find(channel_id);
  return {everything_, it == versions_.end() ? 0 : it->second};
}

bool history_cache::is_current(std::int64_t channel_id, const ticket& t) const {
  if (t.everything != everything_) return false;
  auto it = versions_.find(channel_id);
  return t.channel == (it == versions_.end() ? 0 : it->second);
}

std::shared_ptr<const std::string> history_cache::find(std::int64_t channel_id, int limit) const {
  std::lock_guard lock(mutex_);
  auto it = pages_.find(channel_id);
  if (it == pages_.end() || it->second.limit != limit ||
      !is_current(channel_id, it->second.when_read))
    return nullptr;
  return it->second.json;
}

void history_cache::store(std::int64_t channel_id, int limit, ticket when_read, std::string json) {
  auto shared = std::make_shared<const std::string>(std::move(json));
  std::lock_guard lock(mutex_);
  if (!is_current(channel_id, when_read)) return;  // changed while it was being read
  if (pages_.size() >= max_pages_ && !pages_.contains(channel_id)) pages_.erase(pages_.begin());
  pages_[channel_id] = page{when_read, limit, std::move(shared)};
}

void history_cache::channel_changed(std::int64_t channel_id) {
  std::lock_guard lock(mutex_);
  ++versions_[channel_id];
  pages_.erase(channel_id);
}

void history_cache::everything_changed() {
  std::lock_guard lock(mutex_);
  ++everything_;
  pages_.clear();
}

std::size_t history_cache::size() const {
  std::lock_guard lock(mutex_);
  return pages_.size();
}

}  // namespace ps::chat
