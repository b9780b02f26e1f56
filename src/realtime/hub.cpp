#include "realtime/hub.hpp"

#include <algorithm>
#include <mutex>

namespace ps::realtime {

frame_ptr make_frame(std::string text, std::int64_t channel_id, std::int64_t seq) {
  return std::make_shared<const event_frame>(event_frame{std::move(text), channel_id, seq});
}

void hub::attach(const std::shared_ptr<subscriber>& sub, std::int64_t account_id,
                 const std::vector<std::int64_t>& communities) {
  std::unique_lock lock(mutex_);
  connections_[sub.get()] = connection{sub, account_id, communities};
  by_account_[account_id][sub.get()] = sub;
  for (auto c : communities) by_community_[c][sub.get()] = sub;
}

void hub::detach(const subscriber* sub) {
  std::unique_lock lock(mutex_);
  auto it = connections_.find(sub);
  if (it == connections_.end()) return;
  for (auto c : it->second.communities) {
    auto& members = by_community_[c];
    members.erase(sub);
    if (members.empty()) by_community_.erase(c);
  }
  auto& mine = by_account_[it->second.account_id];
  mine.erase(sub);
  if (mine.empty()) by_account_.erase(it->second.account_id);
  connections_.erase(it);
}

void hub::join(std::int64_t account_id, std::int64_t community_id) {
  dispatch([this, account_id, community_id] { join_now(account_id, community_id); });
}

void hub::leave(std::int64_t account_id, std::int64_t community_id) {
  dispatch([this, account_id, community_id] { leave_now(account_id, community_id); });
}

void hub::publish_to_community(std::int64_t community_id, const frame_ptr& frame) {
  dispatch([this, community_id, frame] { publish_to_community_now(community_id, frame); });
}

void hub::publish_to_account(std::int64_t account_id, const frame_ptr& frame) {
  dispatch([this, account_id, frame] { publish_to_account_now(account_id, frame); });
}

void hub::join_now(std::int64_t account_id, std::int64_t community_id) {
  std::unique_lock lock(mutex_);
  auto acc = by_account_.find(account_id);
  if (acc == by_account_.end()) return;
  for (auto& [key, sub] : acc->second) {
    auto& conn = connections_.at(key);
    if (std::find(conn.communities.begin(), conn.communities.end(), community_id) ==
        conn.communities.end())
      conn.communities.push_back(community_id);
    by_community_[community_id][key] = sub;
  }
}

void hub::leave_now(std::int64_t account_id, std::int64_t community_id) {
  std::unique_lock lock(mutex_);
  auto acc = by_account_.find(account_id);
  if (acc == by_account_.end()) return;
  auto members = by_community_.find(community_id);
  for (auto& [key, sub] : acc->second) {
    auto& conn = connections_.at(key);
    std::erase(conn.communities, community_id);
    if (members != by_community_.end()) members->second.erase(key);
  }
  if (members != by_community_.end() && members->second.empty()) by_community_.erase(members);
}

std::vector<std::shared_ptr<subscriber>> hub::audience_of(
    const std::unordered_map<std::int64_t, audience>& index, std::int64_t key) const {
  std::vector<std::shared_ptr<subscriber>> out;
  std::shared_lock lock(mutex_);
  auto it = index.find(key);
  if (it == index.end()) return out;
  out.reserve(it->second.size());
  for (auto& [_, sub] : it->second) out.push_back(sub);
  return out;
}

void hub::publish_to_community_now(std::int64_t community_id, const frame_ptr& frame) {
  for (auto& sub : audience_of(by_community_, community_id)) sub->send(frame);
}

void hub::publish_to_account_now(std::int64_t account_id, const frame_ptr& frame) {
  for (auto& sub : audience_of(by_account_, account_id)) sub->send(frame);
}

void hub::clear() {
  std::unique_lock lock(mutex_);
  by_community_.clear();
  by_account_.clear();
  connections_.clear();
}

std::size_t hub::connection_count() const {
  std::shared_lock lock(mutex_);
  return connections_.size();
}

void publisher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void publisher::post(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(work));
  }
  ready_.notify_one();
}

void publisher::run() {
  std::deque<std::function<void()>> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and everything handed over has run
      batch.swap(queue_);
    }
    for (auto& work : batch) work();
    batch.clear();
  }
}

}  // namespace ps::realtime
