#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ps {

// Everything an operator can set, with the embedded defaults (docs: README "Configuration").
struct config {
  std::string listen = "127.0.0.1:8080";
  std::filesystem::path data_dir = "./data";
  // Empty: SQLite in DATA/petitesalle.db. postgresql://user:password@host/db: that PostgreSQL
  // (several nodes may share it). Also from PETITESALLE_DATABASE_URL, so that a password need
  // not sit on a command line.
  std::string database;
  std::string public_url = "http://localhost:8080";
  int threads = 0;  // network threads; 0 = one per core
  // Minimum argon2id limits: only for test suites, where hundreds of accounts are made.
  bool fast_password_hashing = false;
  // Room kinds that exist only for tests (a room only its participants see, before private
  // rooms come): never set in production.
  bool test_room_kinds = false;
  // "full": every acknowledged write survives a power cut (an fsync per group commit).
  // "normal": it survives a crash of the process but maybe not of the machine; faster on slow
  // disks.
  std::string durability = "full";
  // Serve the web app from this folder instead of the copy embedded in the binary (development).
  std::optional<std::filesystem::path> web_root;
  // Empty: emails go to the maildir DATA/mail. Otherwise smtp://host:port or smtps://host:port.
  std::string smtp_url;
  std::string smtp_username;
  std::string smtp_password;
  bool smtp_require_tls = false;
  std::string mail_from = "Petite Salle <noreply@localhost>";
  // SMTP connections the outbox keeps open and sends over at once, and the emails it hands to
  // the relay per minute at most (0: as fast as the relay takes them). Many relays cap a sender.
  int mail_concurrency = 4;
  int mail_rate_per_minute = 0;
  // DKIM (docs/operations.md): the domain signed for (d=; empty: the domain of mail_from), and
  // the keys as "selector:file.pem", Ed25519 and/or RSA; none: emails go unsigned.
  std::string dkim_domain;
  std::vector<std::string> dkim_keys;
  // Tests and benchmarks only: scheduled work and the outbox look for due work this often, in
  // milliseconds, instead of every second.
  int jobs_poll_ms = 1000;
  // Empty: /metrics answers only this machine. Set: only requests bearing this token.
  std::string metrics_token;
  // Connections one address may hold open at once (HTTP and streams together): one address
  // cannot take every descriptor. A household behind one router needs a few dozen.
  int max_connections_per_address = 128;
  // Live streams (WebSockets) one account may hold open at once: a tab or a device each.
  int max_streams_per_account = 16;
  // Where uploaded files are kept; unset: DATA/files. Nodes that share a PostgreSQL share this
  // folder too (a network filesystem mounted on each).
  std::optional<std::filesystem::path> files_dir;
  // The largest file one upload may hold, in MiB.
  int max_upload_mib = 25;
  // What one community's files may take on disk, in MiB; 0: no cap.
  std::int64_t max_community_storage_mib = 0;
  // Tests only: accept Web Push endpoints on this machine over plain http:// (a push service
  // started by the test). Never in production, where only public https:// endpoints are
  // posted to.
  bool push_allow_loopback = false;
};

// Reads a TOML file into `into`; keys absent from the file keep their values.
// Throws std::runtime_error with the file's error when it cannot be read or parsed.
void load_config_file(const std::filesystem::path& file, config& into);

}  // namespace ps
