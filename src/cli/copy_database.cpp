#include <spdlog/spdlog.h>

#include "app/capabilities.hpp"
#include "cli/commands.hpp"
#include "db/copy.hpp"
#include "db/postgresql.hpp"
#include "db/sqlite.hpp"

namespace ps::cli {

int copy_database(const std::filesystem::path& data_dir, const std::string& target_url) {
  // Checked first: opening a missing file would make an empty database there.
  const auto source = database_file(data_dir);
  if (!std::filesystem::is_regular_file(source)) {
    spdlog::error("no database at {}: --from names the data folder of an SQLite server",
                  source.string());
    return 1;
  }
  if (target_url.empty()) {
    spdlog::error("copy-database needs --to postgresql://… (or PETITESALLE_DATABASE_URL)");
    return 1;
  }
  if (!db::is_postgresql_url(target_url)) {
    spdlog::error("--to must be a postgresql:// URL, not {}", db::redacted_url(target_url));
    return 1;
  }
  auto from = db::open_sqlite(source);
  auto to = db::open_postgresql(target_url, db::postgresql_options{2});
  spdlog::info("copying {} into {}", source.string(), db::redacted_url(target_url));
  const auto report = db::copy_database(*from, *to, migrations());
  std::int64_t rows = 0;
  for (const auto& t : report.tables) {
    spdlog::info("  {}: {} rows", t.name, t.rows);
    rows += t.rows;
  }
  spdlog::info(
      "copied {} tables, {} rows, counts verified; start the nodes with "
      "PETITESALLE_DATABASE_URL (or --database) naming this database",
      report.tables.size(), rows);
  return 0;
}

}  // namespace ps::cli
