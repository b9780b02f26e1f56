#include "db/sql_lists.hpp"

#include <stdexcept>

#include "db/database.hpp"

namespace ps::db {

std::size_t padded_size(std::size_t n) {
  if (n == 0 || n > max_batch) throw std::logic_error("a list of 1 to max_batch items");
  return n <= 4 ? 4 : n <= 16 ? 16 : 64;
}

std::string placeholder_list(std::size_t n, std::size_t first) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    out += '$' + std::to_string(first + i);
  }
  return out;
}

std::string placeholder_rows(std::size_t rows, std::size_t columns, std::size_t first) {
  std::string out;
  for (std::size_t r = 0; r < rows; ++r) {
    out += r ? ", (" : "(";
    out += placeholder_list(columns, first + r * columns);
    out += ')';
  }
  return out;
}

std::string union_all(std::size_t rows, std::string_view select, std::size_t first) {
  std::string out;
  std::size_t next = first;
  for (std::size_t r = 0; r < rows; ++r) {
    if (r) out += " UNION ALL ";
    for (char c : select) {
      if (c == '?')
        out += '$' + std::to_string(next++);
      else
        out += c;
    }
  }
  return out;
}

}  // namespace ps::db
