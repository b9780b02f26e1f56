// petitesalle: the command line. `serve` runs the server; `backup` copies a live database;
// `copy-database` moves an SQLite data folder's database to PostgreSQL; `dkim-keygen` makes a
// key for signing emails.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "app/config.hpp"
#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"Petite Salle: a self-hosted home for micro-communities."};
  cli.set_version_flag("--version", std::string("petitesalle ") + PS_VERSION);
  cli.require_subcommand(1);

  ps::config cfg;
  std::string config_file;
  std::string web_root;
  auto* serve =
      cli.add_subcommand("serve", "Run the server (HTTP API, WebSocket stream and web app).");
  serve->add_option("--config", config_file, "A TOML file of settings (options given here win)");
  serve->add_option("--listen", cfg.listen, "Address and port to listen on")->capture_default_str();
  serve->add_option("--data", cfg.data_dir, "Data folder: database, mail folder")
      ->capture_default_str();
  serve->add_option("--database", cfg.database,
                    "postgresql://user:password@host/db (default: SQLite in the data folder); "
                    "also PETITESALLE_DATABASE_URL");
  serve->add_option("--public-url", cfg.public_url, "The address people use, for links in emails")
      ->capture_default_str();
  serve->add_option("--threads", cfg.threads, "Network threads (0: one per core)")
      ->capture_default_str();
  serve->add_option("--web-root", web_root,
                    "Serve the web app from this folder instead of the embedded copy");
  serve->add_option("--smtp-url", cfg.smtp_url,
                    "Send email through this SMTP relay (smtp://host:port)");
  serve->add_option("--smtp-username", cfg.smtp_username, "SMTP user name");
  serve->add_option("--smtp-password", cfg.smtp_password, "SMTP password");
  serve->add_flag("--smtp-require-tls", cfg.smtp_require_tls, "Refuse to send without STARTTLS");
  serve->add_option("--mail-from", cfg.mail_from, "Sender of emails")->capture_default_str();
  serve
      ->add_option("--mail-concurrency", cfg.mail_concurrency,
                   "SMTP connections the outbox sends over at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  serve
      ->add_option("--mail-rate-per-minute", cfg.mail_rate_per_minute,
                   "Emails handed to the relay per minute at most (0: no cap)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  serve->add_option("--dkim-domain", cfg.dkim_domain,
                    "The domain DKIM signatures are made for (default: that of --mail-from)");
  serve->add_option("--dkim-key", cfg.dkim_keys,
                    "SELECTOR:FILE.pem, a DKIM key (Ed25519 or RSA; repeat for both); see "
                    "petitesalle dkim-keygen");
  serve
      ->add_option("--jobs-poll-ms", cfg.jobs_poll_ms,
                   "How often scheduled work is looked for (tests and benchmarks only)")
      ->capture_default_str()
      ->check(CLI::Range(10, 60000));
  serve
      ->add_option("--durability", cfg.durability,
                   "full: acknowledged writes survive a power cut; normal: they survive a crash of "
                   "the process")
      ->capture_default_str();
  serve->add_option("--metrics-token", cfg.metrics_token,
                    "Bearer token for /metrics (without it, /metrics answers only this machine)");
  serve
      ->add_option("--max-connections-per-address", cfg.max_connections_per_address,
                   "Connections one address may hold open at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  serve
      ->add_option("--max-streams-per-account", cfg.max_streams_per_account,
                   "Live streams (WebSockets) one account may hold open at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  std::string files_dir;
  serve->add_option("--files-dir", files_dir,
                    "Where uploaded files are kept (default DATA/files); nodes on one PostgreSQL "
                    "share it");
  serve->add_option("--max-upload-mib", cfg.max_upload_mib, "The largest file one upload may hold")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  serve
      ->add_option("--max-community-storage-mib", cfg.max_community_storage_mib,
                   "What one community's files may take on disk (0: no cap)")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40));
  serve->add_flag("--test-room-kinds", cfg.test_room_kinds,
                  "Accept room kinds made for tests (test_private); never in production");
  serve->add_flag("--push-allow-loopback", cfg.push_allow_loopback,
                  "Accept Web Push endpoints on this machine over http: for tests only");
  serve->add_flag("--fast-password-hashing", cfg.fast_password_hashing,
                  "Minimum argon2id limits: for test suites only, never in production");

  std::string backup_data = "./data";
  std::string backup_target;
  auto* backup = cli.add_subcommand("backup", "Copy the database of a (running) server into FILE.");
  backup->add_option("--data", backup_data, "Data folder of the server")->capture_default_str();
  backup->add_option("FILE", backup_target, "Where to write the copy")->required();
  std::string backup_database;
  backup->add_option("--database", backup_database,
                     "The server's --database, if any: refused for PostgreSQL (use pg_dump); "
                     "also PETITESALLE_DATABASE_URL");

  std::string copy_from;
  std::string copy_to;
  auto* copy = cli.add_subcommand(
      "copy-database",
      "Copy the database of a stopped SQLite server into an empty PostgreSQL database.");
  copy->add_option("--from", copy_from, "Data folder of the SQLite server (DATA/petitesalle.db)")
      ->required();
  copy->add_option("--to", copy_to,
                   "postgresql://user:password@host/db, without any table yet; also "
                   "PETITESALLE_DATABASE_URL");

  std::string keygen_algorithm;
  std::string keygen_selector;
  std::string keygen_domain;
  std::string keygen_out;
  auto* keygen = cli.add_subcommand(
      "dkim-keygen", "Make a DKIM key for signing emails and print the DNS record to publish.");
  keygen->add_option("--algorithm", keygen_algorithm, "ed25519 or rsa (2048 bits)")
      ->required()
      ->check(CLI::IsMember({"ed25519", "rsa"}));
  keygen->add_option("--selector", keygen_selector, "The selector (s=), e.g. 2026")->required();
  keygen->add_option("--domain", keygen_domain, "The domain signed for (d=)")->required();
  keygen->add_option("--out", keygen_out, "Where to write the private key (never overwritten)")
      ->required();

  CLI11_PARSE(cli, argc, argv);

  try {
    if (*serve) {
      // Command-line options win over the file: read the file into a copy, then re-apply.
      if (!config_file.empty()) {
        ps::config from_file;
        ps::load_config_file(config_file, from_file);
        ps::config defaults;
        auto pick = [](auto& flag, const auto& file_value, const auto& default_value) {
          if (flag == default_value) flag = file_value;
        };
        pick(cfg.listen, from_file.listen, defaults.listen);
        pick(cfg.data_dir, from_file.data_dir, defaults.data_dir);
        pick(cfg.database, from_file.database, defaults.database);
        pick(cfg.public_url, from_file.public_url, defaults.public_url);
        pick(cfg.threads, from_file.threads, defaults.threads);
        pick(cfg.smtp_url, from_file.smtp_url, defaults.smtp_url);
        pick(cfg.smtp_username, from_file.smtp_username, defaults.smtp_username);
        pick(cfg.smtp_password, from_file.smtp_password, defaults.smtp_password);
        pick(cfg.smtp_require_tls, from_file.smtp_require_tls, defaults.smtp_require_tls);
        pick(cfg.mail_from, from_file.mail_from, defaults.mail_from);
        pick(cfg.mail_concurrency, from_file.mail_concurrency, defaults.mail_concurrency);
        pick(cfg.mail_rate_per_minute, from_file.mail_rate_per_minute,
             defaults.mail_rate_per_minute);
        pick(cfg.dkim_domain, from_file.dkim_domain, defaults.dkim_domain);
        pick(cfg.dkim_keys, from_file.dkim_keys, defaults.dkim_keys);
        pick(cfg.durability, from_file.durability, defaults.durability);
        pick(cfg.metrics_token, from_file.metrics_token, defaults.metrics_token);
        pick(cfg.max_connections_per_address, from_file.max_connections_per_address,
             defaults.max_connections_per_address);
        pick(cfg.max_streams_per_account, from_file.max_streams_per_account,
             defaults.max_streams_per_account);
        pick(cfg.max_upload_mib, from_file.max_upload_mib, defaults.max_upload_mib);
        pick(cfg.max_community_storage_mib, from_file.max_community_storage_mib,
             defaults.max_community_storage_mib);
        if (web_root.empty() && from_file.web_root) cfg.web_root = from_file.web_root;
        if (files_dir.empty() && from_file.files_dir) cfg.files_dir = from_file.files_dir;
      }
      if (!web_root.empty()) cfg.web_root = web_root;
      if (!files_dir.empty()) cfg.files_dir = files_dir;
      // The environment comes after the option and the file: it is how a password stays off
      // command lines and out of files others may read.
      if (cfg.database.empty())
        if (const char* url = std::getenv("PETITESALLE_DATABASE_URL"); url && *url)
          cfg.database = url;
      while (!cfg.public_url.empty() && cfg.public_url.back() == '/') cfg.public_url.pop_back();
      return ps::cli::serve(cfg);
    }
    if (*backup) {
      // A node on PostgreSQL has no SQLite file, or only the one from before it moved, which is
      // no longer its data: copying that would look like a backup and be none.
      if (backup_database.empty())
        if (const char* url = std::getenv("PETITESALLE_DATABASE_URL"); url && *url)
          backup_database = url;
      if (!backup_database.empty()) {
        spdlog::error(
            "petitesalle backup copies an SQLite database; this server's is on PostgreSQL: back "
            "it up with pg_dump (docs/operations.md, Backups)");
        return 1;
      }
      return ps::cli::backup(backup_data, backup_target);
    }
    if (*copy) {
      // As for serve: the environment keeps a password off the command line.
      if (copy_to.empty())
        if (const char* url = std::getenv("PETITESALLE_DATABASE_URL"); url && *url) copy_to = url;
      return ps::cli::copy_database(copy_from, copy_to);
    }
    if (*keygen)
      return ps::cli::dkim_keygen(keygen_algorithm, keygen_selector, keygen_domain, keygen_out);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}
