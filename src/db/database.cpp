#include "db/database.hpp"

#include <spdlog/spdlog.h>

#include "db/errors.hpp"

namespace ps::db {

std::int64_t row::integer(std::size_t i) const {
  const value& v = columns_.at(i);
  if (auto p = std::get_if<std::int64_t>(&v)) return *p;
  if (auto d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (auto s = std::get_if<std::string>(&v)) return std::stoll(*s);
  throw error("column " + std::to_string(i) + " is NULL where an integer was expected");
}

std::optional<std::int64_t> row::maybe_integer(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return integer(i);
}

const std::string& row::text(std::size_t i) const {
  const value& v = columns_.at(i);
  if (auto s = std::get_if<std::string>(&v)) return *s;
  throw error("column " + std::to_string(i) + " is not text");
}

std::optional<std::string> row::maybe_text(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return text(i);
}

api_error database::failure_of(std::exception_ptr failure) {
  if (!failure) return errors::make(error_code::internal);
  try {
    std::rethrow_exception(failure);
  } catch (const unavailable& e) {
    spdlog::warn("write refused: {}", e.what());
    return errors::of(database_unavailable);
  } catch (const std::exception& e) {
    spdlog::error("write failed: {}", e.what());
  } catch (...) {
    spdlog::error("write failed");
  }
  return errors::make(error_code::internal);
}

bool database::answers() {
  try {
    read([](session& s) { s.query("SELECT 1"); });
    return true;
  } catch (const error&) {
    return false;
  }
}

}  // namespace ps::db
