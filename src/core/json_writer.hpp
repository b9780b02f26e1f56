#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ps::json_text {

// Appends `s` as a JSON string literal. Invalid UTF-8 is replaced by U+FFFD, so the output
// is always valid JSON.
void append_string(std::string& out, std::string_view s);
void append_integer(std::string& out, std::int64_t v);

// Writes one JSON object field by field, straight into a string: for the hot paths (history
// pages, message events) where building a DOM per message costs more than the rest of the
// request.
class object_writer {
 public:
  explicit object_writer(std::string& out) : out_(out) { out_ += '{'; }
  object_writer& field(std::string_view key, std::string_view value) {
    key_(key);
    append_string(out_, value);
    return *this;
  }
  object_writer& field(std::string_view key, const char* value) { return field(key, std::string_view(value)); }
  object_writer& field(std::string_view key, std::int64_t value) {
    key_(key);
    append_integer(out_, value);
    return *this;
  }
  object_writer& field(std::string_view key, bool value) {
    key_(key);
    out_ += value ? "true" : "false";
    return *this;
  }
  object_writer& null_field(std::string_view key) {
    key_(key);
    out_ += "null";
    return *this;
  }
  template <class T>
  object_writer& field(std::string_view key, const std::optional<T>& value) {
    return value ? field(key, *value) : null_field(key);
  }
  // Writes the key; the caller appends the value (an object or array) itself.
  std::string& raw_field(std::string_view key) {
    key_(key);
    return out_;
  }
  void close() { out_ += '}'; }

 private:
  void key_(std::string_view key) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += key;  // keys are our own ASCII names
    out_ += "\":";
  }
  std::string& out_;
  bool first_ = true;
};

}  // namespace ps::json_text
