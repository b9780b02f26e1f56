#include <curl/curl.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <iostream>

#include "access/seen_rooms.hpp"
#include "accounts/credential_cache.hpp"
#include "accounts/shared_throttle.hpp"
#include "app/capabilities.hpp"
#include "broadcast/closer.hpp"
#include "chat/history_cache.hpp"
#include "cli/commands.hpp"
#include "core/rate_limiter.hpp"
#include "core/secrets.hpp"
#include "db/migrations.hpp"
#include "db/postgresql.hpp"
#include "db/sqlite.hpp"
#include "files/sweeper.hpp"
#include "http/dispatcher.hpp"
#include "http/server.hpp"
#include "jobs/runner.hpp"
#include "mail/dkim.hpp"
#include "mail/outbox.hpp"
#include "newsletter/sending.hpp"
#include "notifications/courier.hpp"
#include "notifications/digest.hpp"
#include "push/presence.hpp"
#include "push/service.hpp"
#include "realtime/event_log.hpp"
#include "realtime/hub.hpp"
#include "realtime/relay.hpp"

namespace ps::cli {

std::filesystem::path database_file(const std::filesystem::path& data_dir) {
  return data_dir / "petitesalle.db";
}

namespace {

// How long a node trusts what it read of a credential or of a reader's access to a room, when
// it keeps them (PostgreSQL): an ended credential and a shrunk access are forgotten at once
// anyway; this bounds the rest (accounts/credential_cache.hpp, access/seen_rooms.hpp).
constexpr millis credential_lifetime_ms = 5'000;

// The DKIM keys of cfg.dkim_keys ("selector:file.pem"), read at start so a wrong file stops the
// server with a clear message instead of sending unsigned mail.
mail::signer dkim_signer(const config& cfg) {
  if (cfg.dkim_keys.empty()) return {};
  std::string domain = cfg.dkim_domain;
  if (domain.empty()) {
    const std::string address = mail::address_of(cfg.mail_from);
    domain = address.substr(address.rfind('@') + 1);
  }
  auto keys = std::make_shared<std::vector<mail::dkim_key>>();
  for (const auto& spec : cfg.dkim_keys) {
    const auto colon = spec.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
      throw std::runtime_error("--dkim-key wants SELECTOR:FILE.pem, not \"" + spec + "\"");
    keys->push_back(mail::load_dkim_key(spec.substr(colon + 1), spec.substr(0, colon), domain));
    spdlog::info("DKIM: signing for {} with selector {}", domain, spec.substr(0, colon));
  }
  return [keys](std::string message) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    return mail::dkim_sign(message, *keys, now.count());
  };
}

// One transport per sending thread (each keeps its own SMTP connection), all signing alike.
mail::outbox::transport_factory transports(const config& cfg, mail::signer sign) {
  return [&cfg, sign = std::move(sign)]() -> std::unique_ptr<mail::transport> {
    if (cfg.smtp_url.empty()) return mail::make_maildir_transport(cfg.data_dir / "mail", sign);
    return mail::make_smtp_transport(
        mail::smtp_settings{cfg.smtp_url, cfg.smtp_username, cfg.smtp_password,
                            cfg.smtp_require_tls, 30},
        sign);
  };
}

mail::outbox_options outbox_options_of(const config& cfg) {
  mail::outbox_options o;
  o.concurrency = cfg.mail_concurrency;
  o.rate_per_minute = cfg.mail_rate_per_minute;
  // Woken at each commit that queues an email; the poll finds retries and other nodes' emails.
  o.poll_ms = std::min(5000, 5 * cfg.jobs_poll_ms);
  return o;
}

// Log lines go to standard output. One line per request, each flushed at once, was one system
// call per request; lines are written in batches instead, at least once a second, and warnings
// and errors at once. A crash can lose the last second of request lines, never an error.
class batched_log {
 public:
  batched_log() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(std::cout, /*force_flush=*/false);
    auto logger = std::make_shared<spdlog::logger>("", std::move(sink));
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(std::move(logger));
    spdlog::flush_every(std::chrono::seconds(1));
  }
  ~batched_log() {
    spdlog::shutdown();  // flushes, and stops the flushing thread
    // What is logged after (main's report of an error that ended serve()) still has a logger.
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "", std::make_shared<spdlog::sinks::ostream_sink_mt>(std::cout, /*force_flush=*/true)));
  }
  batched_log(const batched_log&) = delete;
  batched_log& operator=(const batched_log&) = delete;
};

// Every connection is a descriptor, and the default soft limit (1,024) is far below what the
// system allows: take all of it, as servers do, so that only the per-address caps decide.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) spdlog::warn("could not raise the descriptor limit");
}

// This node's name among those sharing a database, kept in its data folder so that it survives
// a restart (the outbox gives back, at start, the emails it held when it was killed).
std::string lasting_node_name(const std::filesystem::path& data_dir) {
  const auto file = data_dir / "node-name";
  std::string name;
  if (std::ifstream in(file); in) std::getline(in, name);
  if (name.empty()) {
    name = secrets::random_token(12);
    std::ofstream out(file, std::ios::trunc);
    out << name << "\n";
  }
  return name;
}

}  // namespace

std::unique_ptr<db::database> open_database(const config& cfg) {
  if (cfg.database.empty())
    return db::open_sqlite(database_file(cfg.data_dir),
                           db::sqlite_options{cfg.durability == "full"});
  if (!db::is_postgresql_url(cfg.database))
    throw std::runtime_error(
        "--database must be a postgresql:// URL (or be left out for SQLite in the data folder)");
  spdlog::info("database: {}", db::redacted_url(cfg.database));
  return db::open_postgresql(cfg.database);
}

int serve(const config& cfg) {
  batched_log log;
  raise_descriptor_limit();
  std::filesystem::create_directories(cfg.data_dir);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (cfg.durability != "full" && cfg.durability != "normal")
    throw std::runtime_error("--durability must be full or normal, not " + cfg.durability);
  auto db = open_database(cfg);
  // Every capability's declarations are checked before anything is served.
  (void)declared_errors();
  const int applied = db::migrate(*db, migrations());
  if (applied > 0) spdlog::info("applied {} migration(s)", applied);

  system_clock clock;
  realtime::hub hub;
  metrics stats;
  // One node counts log-in attempts in memory; several count them in their shared database.
  std::unique_ptr<attempt_counter> throttle;
  if (db->has_other_nodes())
    throttle = std::make_unique<accounts::shared_throttle>(*db, clock);
  else
    throttle = std::make_unique<rate_limiter>(clock);
  const std::string node = lasting_node_name(cfg.data_dir);
  mail::outbox outbox(*db, clock, transports(cfg, dkim_signer(cfg)), cfg.mail_from, node,
                      outbox_options_of(cfg));
  chat::history_cache history;
  const realtime::event_catalog events = event_types();
  app application{cfg, *db, hub, clock, outbox, stats, *throttle, history, events};
  // Web Push: the key pair every node shares, and who is in the app on this node.
  const push::vapid_keys vapid = push::load_or_make_keys(*db, clock);
  application.vapid = &vapid;
  push::presence presence(clock);
  application.presence = &presence;
  // On PostgreSQL each request would pay a round trip to learn whose credential it carries.
  // And each history read one more to learn whether the reader may see the room.
  std::optional<accounts::credential_cache> credentials;
  std::optional<access::seen_rooms> seen_rooms;
  if (db->kind() == db::dialect::postgresql) {
    credentials.emplace(credential_lifetime_ms);
    application.credentials = &*credentials;
    hub.when_credentials_end(
        [&credentials](std::int64_t account_id) { credentials->forget_account(account_id); });
    seen_rooms.emplace(credential_lifetime_ms);
    application.seen_rooms = &*seen_rooms;
    hub.when_access_changes(
        [&seen_rooms](std::int64_t account_id) { seen_rooms->forget_account(account_id); });
  }
  // What other nodes on the same PostgreSQL commit reaches this node's connections.
  realtime::relay relay(application);
  relay.start();
  http::dispatcher routes(application, cfg.web_root);
  http::server server(application, routes, cfg.listen, cfg.threads);
  // Each network thread fans events out to its own connections (see realtime/hub.hpp).
  hub.use_shards(server.thread_count(), [&server](std::size_t thread, std::function<void()> work) {
    server.post(thread, std::move(work));
  });
  outbox.start();
  // Polls' closings, announced when their time comes (and at once for those due while down).
  std::optional<broadcast::poll_closer> closer;
  closer.emplace(application);
  // Uploads never sent, and stored bytes no row names (files/sweeper.hpp).
  std::optional<files::sweeper> file_sweeper;
  file_sweeper.emplace(application);
  // Scheduled work (jobs/runner.hpp): each capability's kinds, then the thread.
  jobs::runner scheduled(*db, clock, node, cfg.jobs_poll_ms);
  newsletter::add_jobs(scheduled, application);
  notifications::add_digest_job(scheduled, application);
  scheduled.start();
  // Pushes and emails of notifications (notifications/courier.hpp).
  std::optional<notifications::courier> courier;
  courier.emplace(application, node);
  courier->start();
  spdlog::info("petitesalle {} listening on {} (port {}), data in {}, database {}, public URL {}",
               PS_VERSION, cfg.listen, server.port(), cfg.data_dir.string(),
               cfg.database.empty() ? "SQLite" : "PostgreSQL", cfg.public_url);
  server.run();
  courier.reset();
  scheduled.stop();
  file_sweeper.reset();
  closer.reset();  // before the hub stops delivering: nothing it announces is lost on the way
  // Writes are queued in order: once this one is done, every write queued from the network has
  // replied, and none will reach for the network threads once they are gone.
  db->write([](db::transaction&) {});
  hub.stop_delivering();  // the network threads are gone: nothing more is handed to them
  hub.clear();
  outbox.stop();
  curl_global_cleanup();
  spdlog::info("stopped");
  return 0;
}

int backup(const std::filesystem::path& data_dir, const std::filesystem::path& target) {
  const auto source = database_file(data_dir);
  if (!std::filesystem::exists(source)) {
    spdlog::error("no database at {}", source.string());
    return 1;
  }
  auto db = db::open_sqlite(source);
  db->backup_to(target.string());
  spdlog::info("backed up {} to {}", source.string(), target.string());
  return 0;
}

}  // namespace ps::cli
