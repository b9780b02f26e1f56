#pragma once
#include <filesystem>
#include <string>

#include "app/config.hpp"

namespace ps::cli {

// Runs the server until SIGINT/SIGTERM; returns the process exit code.
int serve(const config& cfg);
// Copies the live database of a data folder into `target` with SQLite's online backup.
int backup(const std::filesystem::path& data_dir, const std::filesystem::path& target);

std::filesystem::path database_file(const std::filesystem::path& data_dir);

}  // namespace ps::cli
