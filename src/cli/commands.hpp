#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include "app/config.hpp"

namespace ps::db {
class database;
}

namespace ps::cli {

// Runs the server until SIGINT/SIGTERM; returns the process exit code.
int serve(const config& cfg);
// Copies the live database of a data folder into `target` with SQLite's online backup.
int backup(const std::filesystem::path& data_dir, const std::filesystem::path& target);
// Copies the SQLite database of a (stopped) server's data folder into an empty PostgreSQL
// database (db/copy.hpp); 1 with one line saying why when it cannot.
int copy_database(const std::filesystem::path& data_dir, const std::string& target_url);
// Makes a DKIM key ("ed25519" or "rsa") into `out` (mode 0600, never over an existing file) and
// prints the DNS record to publish and the serve options that use it; 1 with one line saying
// why when it cannot.
int dkim_keygen(const std::string& algorithm, const std::string& selector,
                const std::string& domain, const std::filesystem::path& out);

std::filesystem::path database_file(const std::filesystem::path& data_dir);
// The database the configuration names: PostgreSQL for a postgresql:// URL, else SQLite in the
// data folder.
std::unique_ptr<db::database> open_database(const config& cfg);

}  // namespace ps::cli
