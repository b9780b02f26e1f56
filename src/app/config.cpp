#include "app/config.hpp"

#include <toml++/toml.h>

#include <stdexcept>

namespace ps {

void load_config_file(const std::filesystem::path& file, config& into) {
  toml::table table;
  try {
    table = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw std::runtime_error("cannot read " + file.string() + ": " + std::string(e.description()));
  }
  if (auto v = table["listen"].value<std::string>()) into.listen = *v;
  if (auto v = table["data"].value<std::string>()) into.data_dir = *v;
  if (auto v = table["database"].value<std::string>()) into.database = *v;
  if (auto v = table["public_url"].value<std::string>()) into.public_url = *v;
  if (auto v = table["threads"].value<int64_t>()) into.threads = static_cast<int>(*v);
  if (auto v = table["web_root"].value<std::string>()) into.web_root = *v;
  if (auto v = table["durability"].value<std::string>()) into.durability = *v;
  if (auto v = table["metrics_token"].value<std::string>()) into.metrics_token = *v;
  if (auto v = table["limits"]["max_connections_per_address"].value<int64_t>())
    into.max_connections_per_address = static_cast<int>(*v);
  if (auto v = table["limits"]["max_streams_per_account"].value<int64_t>())
    into.max_streams_per_account = static_cast<int>(*v);
  if (auto v = table["files"]["folder"].value<std::string>()) into.files_dir = *v;
  if (auto v = table["limits"]["max_upload_mib"].value<int64_t>())
    into.max_upload_mib = static_cast<int>(*v);
  if (auto v = table["limits"]["max_community_storage_mib"].value<int64_t>())
    into.max_community_storage_mib = *v;
  if (auto v = table["mail"]["from"].value<std::string>()) into.mail_from = *v;
  if (auto v = table["mail"]["smtp_url"].value<std::string>()) into.smtp_url = *v;
  if (auto v = table["mail"]["smtp_username"].value<std::string>()) into.smtp_username = *v;
  if (auto v = table["mail"]["smtp_password"].value<std::string>()) into.smtp_password = *v;
  if (auto v = table["mail"]["smtp_require_tls"].value<bool>()) into.smtp_require_tls = *v;
  if (auto v = table["mail"]["concurrency"].value<int64_t>())
    into.mail_concurrency = static_cast<int>(*v);
  if (auto v = table["mail"]["rate_per_minute"].value<int64_t>())
    into.mail_rate_per_minute = static_cast<int>(*v);
  if (auto v = table["mail"]["dkim_domain"].value<std::string>()) into.dkim_domain = *v;
  if (auto* keys = table["mail"]["dkim_keys"].as_array()) {
    into.dkim_keys.clear();
    for (const auto& key : *keys)
      if (auto v = key.value<std::string>()) into.dkim_keys.push_back(*v);
  }
}

}  // namespace ps
