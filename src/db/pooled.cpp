#include "db/pooled.hpp"

#include <spdlog/spdlog.h>

#include <future>

namespace ps::db::detail {

struct pooled_database::write_job {
  const std::function<bool(transaction&)>* fn = nullptr;
  std::promise<void> done;
  std::function<bool(transaction&)> owned;           // for queued jobs, which nobody waits for
  std::function<void(std::exception_ptr)> finished;  // queue_write's completion
  bool detached = false;
  // For a write that may run with its neighbours of the same kind (queue_batched).
  const write_batcher* kind = nullptr;
  std::shared_ptr<batched_write> batched;
};

pooled_database::pooled_database(connection_factory open, int max_readers)
    : open_(std::move(open)), max_readers_(max_readers), writer_(open_()) {
  writer_thread_ = std::thread([this] { writer_loop(); });
}

pooled_database::~pooled_database() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_all();
  writer_thread_.join();
}

void pooled_database::run_read(const std::function<void(session&)>& fn) {
  auto lease = lease_reader();
  fn(*lease);
}

void pooled_database::write_later(std::function<void(transaction&)> fn) {
  auto job = std::make_unique<write_job>();
  job->owned = [fn = std::move(fn)](transaction& tx) {
    fn(tx);
    return true;
  };
  job->fn = &job->owned;
  job->detached = true;
  enqueue(job.release());
}

void pooled_database::queue_write(std::function<bool(transaction&)> fn,
                                  std::function<void(std::exception_ptr)> finished) {
  auto job = std::make_unique<write_job>();
  job->owned = std::move(fn);
  job->fn = &job->owned;
  job->finished = std::move(finished);
  enqueue(job.release());
}

void pooled_database::queue_batched(const write_batcher& kind, std::shared_ptr<batched_write> write,
                                    std::function<void(std::exception_ptr)> finished) {
  auto job = std::make_unique<write_job>();
  job->owned = [w = write.get()](transaction& tx) { return w->run_alone(tx); };
  job->fn = &job->owned;
  job->finished = std::move(finished);
  job->kind = &kind;
  job->batched = std::move(write);
  enqueue(job.release());
}

void pooled_database::run_write(const std::function<bool(transaction&)>& fn) {
  // Work that writes again from inside a write would wait for itself forever.
  if (std::this_thread::get_id() == writer_thread_.get_id())
    throw std::logic_error("db::write called from inside a write");
  write_job job;
  job.fn = &fn;
  auto finished = job.done.get_future();
  enqueue(&job);
  finished.get();  // rethrows what the work threw, or the commit's failure
}

void pooled_database::enqueue(write_job* job) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(job);
  }
  queue_ready_.notify_one();
}

// Reports the outcome of a job: to its completion, to its waiting caller, or (for write_later)
// to the log.
void pooled_database::finish(write_job* job, std::exception_ptr failure) {
  if (job->finished) {
    try {
      job->finished(failure);
    } catch (const std::exception& e) {
      spdlog::error("write completion failed: {}", e.what());
    }
    delete job;
    return;
  }
  if (job->detached) {
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        spdlog::warn("background write failed: {}", e.what());
      }
    }
    delete job;
    return;
  }
  if (failure)
    job->done.set_exception(failure);
  else
    job->done.set_value();
}

void pooled_database::writer_loop() {
  for (;;) {
    std::vector<write_job*> group;
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      while (!queue_.empty() && group.size() < max_group) {
        group.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    commit_group(group);
  }
}

bool pooled_database::run_job(write_job& job, group_effects& effects) {
  // A conflict with another node's write is run once more: the second run sees what the other
  // committed (a client_id already used, a row already taken) and answers as it would have.
  for (int attempt = 0;; ++attempt) {
    transaction tx(*writer_, has_other_nodes());
    // Pipelined: the savepoint travels with the job's first statement, the release with its
    // last, and settle() makes the job's own errors its own, not the next job's.
    writer_->execute_pipelined("SAVEPOINT job");
    try {
      const bool keep = (*job.fn)(tx);
      if (!keep) writer_->execute_pipelined("ROLLBACK TO job");
      writer_->execute_pipelined("RELEASE job");
      writer_->settle();
      if (!keep) return false;
      for (auto& work : tx.take_after_commit()) effects.after_commit.push_back(std::move(work));
      for (auto& message : tx.take_announcements())
        effects.announcements.push_back(std::move(message));
      return true;
    } catch (const std::exception& e) {
      if (writer_->broken()) throw;
      try {
        writer_->settle();  // what the job sent before it failed; its errors are this one's
      } catch (const std::exception&) {
      }
      writer_->execute("ROLLBACK TO job");
      writer_->execute("RELEASE job");
      if (attempt > 0 || !writer_->worth_retrying(e)) throw;
    }
  }
}

bool pooled_database::run_batch(std::span<write_job* const> jobs, group_effects& effects) {
  std::vector<batched_write*> writes;
  writes.reserve(jobs.size());
  for (auto* job : jobs) writes.push_back(job->batched.get());
  transaction tx(*writer_, has_other_nodes());
  writer_->execute_pipelined("SAVEPOINT batch");
  try {
    jobs.front()->kind->run_together(tx, writes);
    writer_->execute_pipelined("RELEASE batch");
    writer_->settle();
  } catch (const std::exception& e) {
    if (writer_->broken()) throw;
    // A conflict with another node, or a bug: the jobs run one by one, each with its own
    // savepoint and retry, as if they had never met.
    spdlog::debug("writes run together failed, running them one by one: {}", e.what());
    try {
      writer_->settle();
    } catch (const std::exception&) {
    }
    writer_->execute("ROLLBACK TO batch");
    writer_->execute("RELEASE batch");
    return false;
  }
  for (auto& work : tx.take_after_commit()) effects.after_commit.push_back(std::move(work));
  for (auto& message : tx.take_announcements()) effects.announcements.push_back(std::move(message));
  return true;
}

void pooled_database::commit_group(const std::vector<write_job*>& group) {
  std::vector<std::exception_ptr> failures(group.size());
  group_effects effects;
  auto fail_all = [&](std::exception_ptr failure) {
    for (auto* job : group) finish(job, failure);
  };
  try {
    // A writer that lost its server is replaced here: the writes queued while it was away fail
    // at once (database unavailable) instead of waiting, and the first group after it is back
    // reconnects.
    if (writer_->broken()) writer_ = open_();
    writer_->begin_group();
  } catch (...) {
    return fail_all(std::current_exception());
  }
  for (std::size_t i = 0; i < group.size();) {
    // Neighbours of one batcher run together, at most max_batch at once.
    std::size_t end = i + 1;
    if (group[i]->kind)
      while (end < group.size() && end - i < max_batch && group[end]->kind == group[i]->kind) ++end;
    if (end - i > 1) {
      try {
        if (run_batch(std::span<write_job* const>(group).subspan(i, end - i), effects)) {
          batched_.fetch_add(end - i, std::memory_order_relaxed);
          i = end;
          continue;
        }
      } catch (...) {
        return fail_all(std::current_exception());  // the connection is gone: nothing committed
      }
    }
    for (; i < end; ++i) {
      try {
        run_job(*group[i], effects);
      } catch (...) {
        failures[i] = std::current_exception();
        if (writer_->broken()) return fail_all(failures[i]);  // nothing of the group is committed
      }
    }
  }
  try {
    if (!effects.announcements.empty()) writer_->send_announcements(effects.announcements);
    writer_->execute("COMMIT");
  } catch (...) {
    auto failure = std::current_exception();
    try {
      if (!writer_->broken()) writer_->execute_script("ROLLBACK");
    } catch (...) {
    }
    return fail_all(failure);
  }
  commits_.fetch_add(1, std::memory_order_relaxed);
  writes_.fetch_add(group.size(), std::memory_order_relaxed);
  // Still on the writer, before the next group: events leave in commit order.
  for (auto& work : effects.after_commit) {
    try {
      work();
    } catch (...) {
    }
  }
  for (std::size_t i = 0; i < group.size(); ++i) finish(group[i], failures[i]);
}

pooled_database::reader_lease pooled_database::lease_reader() {
  std::unique_lock lock(readers_mutex_);
  readers_free_.wait(lock, [&] { return !idle_readers_.empty() || open_readers_ < max_readers_; });
  while (!idle_readers_.empty()) {
    auto c = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    if (!c->broken()) return reader_lease(this, std::move(c));
    --open_readers_;  // dropped: a new one is opened below
  }
  ++open_readers_;
  lock.unlock();
  try {
    return reader_lease(this, open_());
  } catch (...) {
    std::lock_guard relock(readers_mutex_);
    --open_readers_;
    readers_free_.notify_one();
    throw;
  }
}

database::pool_counts pooled_database::pool() const {
  std::lock_guard lock(readers_mutex_);
  return {open_readers_, static_cast<int>(idle_readers_.size()), max_readers_};
}

void pooled_database::give_back(std::unique_ptr<connection> c) {
  std::lock_guard lock(readers_mutex_);
  if (c->broken()) {
    --open_readers_;
  } else {
    idle_readers_.push_back(std::move(c));
  }
  readers_free_.notify_one();
}

}  // namespace ps::db::detail
