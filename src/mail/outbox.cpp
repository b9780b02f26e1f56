#include "mail/outbox.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "db/database.hpp"
#include "mail/outbox_store.hpp"

namespace ps::mail {
namespace {
constexpr int max_attempts = 10;
constexpr millis first_retry = 60 * 1000;
// How long a node holds an email it is sending before another may take it (a batch takes
// seconds; one SMTP timeout is 30 s).
constexpr millis claim_lease = 5 * 60 * 1000;
constexpr millis longest_retry = 6 * 60 * 60 * 1000;
// Emails one thread claims at once. Their results are recorded together, in one transaction: a
// crash can send again at most this many per thread (those already handed over but not yet
// recorded), and 10,000 emails cost 500 commits, not 10,000.
constexpr int batch = 20;

std::string domain_of(const std::string& address) {
  const auto at = address.rfind('@');
  return at == std::string::npos ? "localhost" : address.substr(at + 1);
}

// "Name: value" lines, one per header; a value cannot hold a line break.
std::string header_lines(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out;
  for (const auto& [name, value] : headers) {
    std::string v = value;
    std::replace_if(
        v.begin(), v.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    out += name + ": " + v + "\n";
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_header_lines(const std::string& lines) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t start = 0;
  while (start < lines.size()) {
    auto end = lines.find('\n', start);
    if (end == std::string::npos) end = lines.size();
    const std::string line = lines.substr(start, end - start);
    if (const auto colon = line.find(": "); colon != std::string::npos)
      out.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    start = end + 1;
  }
  return out;
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct outbox::claimed {
  store::queued_email row;
};

outbox::outbox(db::database& db, const clock& clock, transport_factory make_transport,
               std::string from, std::string node, outbox_options options)
    : db_(db),
      clock_(clock),
      make_transport_(std::move(make_transport)),
      own_transport_(make_transport_ ? make_transport_() : nullptr),
      from_(std::move(from)),
      from_address_(address_of(from_)),
      message_id_domain_(domain_of(from_address_)),
      node_(std::move(node)),
      options_(options) {
  options_.concurrency = std::max(1, options_.concurrency);
}

outbox::outbox(db::database& db, const clock& clock, std::unique_ptr<transport> transport,
               std::string from, std::string node)
    : outbox(db, clock, transport_factory{}, std::move(from), std::move(node), outbox_options{}) {
  own_transport_ = std::move(transport);
}

outbox::~outbox() {
  stop();
}

void outbox::enqueue(db::transaction& tx, const draft& d) {
  store::new_email e;
  e.recipient = d.to;
  e.subject = d.subject;
  e.body = d.body;
  e.html_body = d.html;
  e.from_name = d.from_name;
  e.reply_to = d.reply_to;
  e.headers = header_lines(d.headers);
  e.topic = d.topic;
  store::insert_email(tx, e, clock_.now());
  tx.after_commit([this] { wake(); });
}

void outbox::start() {
  // What this node held when it last stopped (killed between a claim and its send) is due again.
  const auto released = db_.write(
      [&](db::transaction& tx) { return store::release_claims(tx, node_, clock_.now()); });
  if (released > 0)
    spdlog::info("outbox: {} email(s) claimed before a restart are due again", released);
  std::lock_guard lock(mutex_);
  if (!workers_.empty()) return;
  stopping_ = false;
  // Without a factory (one transport given), the one transport is the one thread's.
  const int threads = make_transport_ ? options_.concurrency : 1;
  for (int i = 0; i < threads; ++i) {
    std::shared_ptr<transport> t =
        make_transport_ ? std::shared_ptr<transport>(make_transport_()) : nullptr;
    workers_.emplace_back([this, t] { run(t ? *t : *own_transport_); });
  }
}

void outbox::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wakeup_.notify_all();
  for (auto& w : workers_)
    if (w.joinable()) w.join();
  workers_.clear();
}

void outbox::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakes_;
  }
  wakeup_.notify_all();
}

void outbox::run(transport& t) {
  std::uint64_t seen_wakes = 0;
  for (;;) {
    int sent = -1;
    try {
      sent = send_batch(t, batch);
    } catch (const std::exception& e) {
      spdlog::error("outbox: {}", e.what());
    }
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    if (sent >= 0) continue;  // a batch went: there may be more
    wakeup_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                     [&] { return wakes_ != seen_wakes || stopping_; });
    if (stopping_) return;
    seen_wakes = wakes_;
  }
}

bool outbox::wait_for_rate_slot() {
  if (options_.rate_per_minute <= 0) return true;
  const std::int64_t spacing = std::max<std::int64_t>(1, 60'000 / options_.rate_per_minute);
  std::unique_lock lock(mutex_);
  const std::int64_t now = steady_ms();
  const std::int64_t slot = std::max(now, next_slot_ms_);
  next_slot_ms_ = slot + spacing;
  if (slot > now)
    wakeup_.wait_for(lock, std::chrono::milliseconds(slot - now), [&] { return stopping_; });
  return !stopping_;
}

email outbox::to_email(const claimed& c) const {
  email e{c.row.from_name.empty() ? from_ : c.row.from_name + " <" + from_address_ + ">",
          c.row.recipient, c.row.subject, c.row.body,
          "outbox-" + std::to_string(c.row.id) + "@" + message_id_domain_};
  e.html_body = c.row.html_body;
  e.reply_to = c.row.reply_to;
  e.headers = parse_header_lines(c.row.headers);
  return e;
}

int outbox::send_batch(transport& t, int limit) {
  const millis now = clock_.now();
  auto rows = db_.write([&](db::transaction& tx) {
    return store::claim_due(tx, node_, now, now + claim_lease, limit);
  });
  if (rows.empty()) return -1;

  struct outcome {
    std::int64_t id;
    std::int64_t attempts;
    delivery_result result;
  };
  std::vector<outcome> outcomes;
  outcomes.reserve(rows.size());
  for (auto& row : rows) {
    // Stopping, or the rate limit's wait cut short: the rest stay claimed and are given back at
    // the next start (or when the claim lapses, for another node).
    if (!wait_for_rate_slot()) break;
    claimed c{std::move(row)};
    outcomes.push_back({c.row.id, c.row.attempts, t.deliver(to_email(c))});
  }

  int delivered = 0;
  const millis done_at = clock_.now();
  db_.write([&](db::transaction& tx) {
    delivered = 0;
    for (const auto& o : outcomes) {
      if (o.result.delivered) {
        store::mark_sent(tx, o.id, done_at);
        ++delivered;
        continue;
      }
      const std::int64_t attempts = o.attempts + 1;
      if (!o.result.retryable || attempts >= max_attempts) {
        store::mark_failed(tx, o.id, done_at, attempts, o.result.error);
        continue;
      }
      const millis delay =
          std::min(longest_retry, first_retry << std::min<std::int64_t>(attempts - 1, 20));
      store::schedule_retry(tx, o.id, done_at + delay, attempts, o.result.error);
    }
  });
  for (const auto& o : outcomes) {
    if (o.result.delivered) continue;
    spdlog::warn("outbox: email {} not sent (attempt {}): {}", o.id, o.attempts + 1,
                 o.result.error);
    if (!o.result.retryable || o.attempts + 1 >= max_attempts) failed_total_.fetch_add(1);
  }
  sent_total_.fetch_add(static_cast<std::uint64_t>(delivered));
  return delivered;
}

int outbox::deliver_due() {
  int delivered = 0;
  for (int sent; (sent = send_batch(*own_transport_, batch)) >= 0;) delivered += sent;
  return delivered;
}

std::int64_t outbox::pending() const {
  return db_.read([](db::session& s) { return store::pending_count(s); });
}

topic_counts outbox::counts(db::session& s, const std::string& topic) const {
  const auto states = store::count_topic(s, topic);
  topic_counts out;
  out.queued = states.queued;
  out.sent = states.sent;
  out.failed = states.failed;
  return out;
}

std::vector<std::pair<std::string, std::string>> outbox::failures(db::session& s,
                                                                  const std::string& topic,
                                                                  int limit) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& f : store::topic_failures(s, topic, limit))
    out.emplace_back(std::move(f.recipient), std::move(f.error));
  return out;
}

}  // namespace ps::mail
