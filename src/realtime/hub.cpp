#include "realtime/hub.hpp"

#include <algorithm>

namespace ps::realtime {

frame_ptr make_frame(std::string text, std::int64_t channel_id, std::int64_t seq,
                     std::int64_t community_id, std::int64_t pos) {
  return std::make_shared<const event_frame>(
      event_frame{std::move(text), channel_id, seq, community_id, pos});
}

hub::hub() {
  shards_.push_back(std::make_unique<shard>());
}

void hub::use_shards(std::size_t count, shard_runner run) {
  std::lock_guard lock(runner_mutex_);
  shards_.clear();
  for (std::size_t i = 0; i < std::max<std::size_t>(count, 1); ++i)
    shards_.push_back(std::make_unique<shard>());
  run_ = std::move(run);
}

void hub::stop_delivering() {
  std::lock_guard lock(runner_mutex_);
  delivering_ = false;
}

void hub::attach(const std::shared_ptr<subscriber>& sub, const stream_owner& owner,
                 const std::vector<std::int64_t>& communities, std::size_t shard_index) {
  auto& s = *shards_.at(shard_index);
  std::lock_guard lock(s.mutex);
  s.connections.insert_or_assign(sub.get(), connection{sub, owner, communities});
  s.by_account[owner.account_id].insert(sub.get());
  for (auto c : communities) s.by_community[c].insert(sub.get());
  connections_.fetch_add(1, std::memory_order_relaxed);
}

void hub::detach(const subscriber* sub, std::size_t shard_index) {
  auto& s = *shards_.at(shard_index);
  std::lock_guard lock(s.mutex);
  auto it = s.connections.find(sub);
  if (it == s.connections.end()) return;
  auto* key = it->second.sub.get();
  for (auto c : it->second.communities) {
    auto members = s.by_community.find(c);
    if (members == s.by_community.end()) continue;
    members->second.erase(key);
    if (members->second.empty()) s.by_community.erase(members);
  }
  auto mine = s.by_account.find(it->second.owner.account_id);
  if (mine != s.by_account.end()) {
    mine->second.erase(key);
    if (mine->second.empty()) s.by_account.erase(mine);
  }
  s.connections.erase(it);
  connections_.fetch_sub(1, std::memory_order_relaxed);
}

void hub::on_every_shard(const std::function<void(shard&)>& work) {
  std::lock_guard lock(runner_mutex_);
  if (!delivering_) return;
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    shard* s = shards_[i].get();
    if (run_)
      run_(i, [s, work] { work(*s); });
    else
      work(*s);
  }
}

void hub::join(std::int64_t account_id, std::int64_t community_id) {
  on_every_shard([account_id, community_id](shard& s) {
    std::lock_guard lock(s.mutex);
    auto acc = s.by_account.find(account_id);
    if (acc == s.by_account.end()) return;
    for (auto* sub : acc->second) {
      auto& conn = s.connections.at(sub);
      if (std::find(conn.communities.begin(), conn.communities.end(), community_id) ==
          conn.communities.end())
        conn.communities.push_back(community_id);
      s.by_community[community_id].insert(sub);
    }
  });
}

void hub::leave(std::int64_t account_id, std::int64_t community_id) {
  if (access_changed_) access_changed_(account_id);
  on_every_shard([account_id, community_id](shard& s) {
    std::lock_guard lock(s.mutex);
    auto acc = s.by_account.find(account_id);
    if (acc == s.by_account.end()) return;
    auto members = s.by_community.find(community_id);
    for (auto* sub : acc->second) {
      std::erase(s.connections.at(sub).communities, community_id);
      if (members != s.by_community.end()) members->second.erase(sub);
    }
    if (members != s.by_community.end() && members->second.empty()) s.by_community.erase(members);
  });
}

void hub::send_to(shard& s, const std::unordered_map<std::int64_t, audience>& index,
                  std::int64_t key, const frame_ptr& frame) {
  // The lock is held while sending: only this shard's own thread takes it (see shard), and
  // send() only queues the frame or starts a write.
  std::lock_guard lock(s.mutex);
  auto it = index.find(key);
  if (it == index.end()) return;
  for (auto* sub : it->second) sub->send(frame);
}

void hub::publish_to_community(std::int64_t community_id, const frame_ptr& frame) {
  on_every_shard(
      [community_id, frame](shard& s) { send_to(s, s.by_community, community_id, frame); });
}

void hub::publish_to_account(std::int64_t account_id, const frame_ptr& frame) {
  on_every_shard([account_id, frame](shard& s) { send_to(s, s.by_account, account_id, frame); });
}

void hub::publish_to_accounts(const std::vector<std::int64_t>& account_ids,
                              const frame_ptr& frame) {
  on_every_shard([account_ids, frame](shard& s) {
    for (auto account : account_ids) send_to(s, s.by_account, account, frame);
  });
}

void hub::end_where(std::int64_t account_id, std::function<bool(const stream_owner&)> ends,
                    int close_code) {
  on_every_shard([account_id, ends = std::move(ends), close_code](shard& s) {
    std::lock_guard lock(s.mutex);
    auto acc = s.by_account.find(account_id);
    if (acc == s.by_account.end()) return;
    // end() only closes: the connection detaches itself later, once its reader has stopped.
    for (auto* sub : acc->second)
      if (ends(s.connections.at(sub).owner))
        sub->end(close_code, /*send_queued=*/close_code == close_access_changed);
  });
}

void hub::end_session(std::int64_t account_id, std::int64_t session_id) {
  if (credentials_ended_) credentials_ended_(account_id);
  end_where(account_id, [session_id](const stream_owner& o) { return o.session_id == session_id; });
}

void hub::end_token(std::int64_t account_id, std::int64_t token_id) {
  if (credentials_ended_) credentials_ended_(account_id);
  end_where(account_id, [token_id](const stream_owner& o) { return o.token_id == token_id; });
}

void hub::end_account_streams(std::int64_t account_id, std::optional<std::int64_t> keep_session) {
  if (credentials_ended_) credentials_ended_(account_id);
  if (access_changed_) access_changed_(account_id);
  end_where(account_id, [keep_session](const stream_owner& o) {
    return !keep_session || o.session_id != keep_session;
  });
}

void hub::end_sessions_except(std::int64_t account_id, std::optional<std::int64_t> keep_session) {
  if (credentials_ended_) credentials_ended_(account_id);
  end_where(account_id, [keep_session](const stream_owner& o) {
    return o.session_id && o.session_id != keep_session;
  });
}

void hub::reconnect_account_streams(std::int64_t account_id) {
  if (access_changed_) access_changed_(account_id);
  end_where(
      account_id, [](const stream_owner&) { return true; }, close_access_changed);
}

void hub::clear() {
  for (auto& s : shards_) {
    std::lock_guard lock(s->mutex);
    s->by_community.clear();
    s->by_account.clear();
    connections_.fetch_sub(s->connections.size(), std::memory_order_relaxed);
    s->connections.clear();
  }
}

}  // namespace ps::realtime
