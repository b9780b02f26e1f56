#include "core/checked_text.hpp"

#include "core/text.hpp"

namespace ps {

result<std::string> checked_text(const std::string& raw, const char* field, std::size_t most) {
  const std::string text(text::trim(raw));
  if (text.empty()) return errors::invalid(field, field_problem::required);
  if (text::utf8_length(text) > most)
    return errors::invalid(field, field_problem::too_long, static_cast<long>(most));
  if (auto bad = text::forbidden_in_text(text)) return errors::forbidden_character(field, *bad);
  return text;
}

result<std::string> checked_line(const std::string& raw, const char* field, std::size_t most) {
  auto text = checked_text(raw, field, most);
  if (!text) return text;
  if (auto bad = text::forbidden_in_name(*text)) return errors::forbidden_character(field, *bad);
  return text;
}

}  // namespace ps
