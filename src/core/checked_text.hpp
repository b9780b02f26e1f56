#pragma once
#include <cstddef>
#include <string>

#include "core/result.hpp"

// The checks every piece of text a person writes goes through: trimmed, not empty, at most
// `most` code points, and without the characters that have no place in it.
namespace ps {

// A body (a comment, an answer): any printable text, line breaks included.
result<std::string> checked_text(const std::string& raw, const char* field, std::size_t most);
// One line shown as a title or a label (a question, a poll's option): no line breaks either.
result<std::string> checked_line(const std::string& raw, const char* field, std::size_t most);

}  // namespace ps
