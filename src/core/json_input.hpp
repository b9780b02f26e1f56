#pragma once
#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace ps::json_input {

// How deep untrusted JSON may nest. Nothing the API takes nests past four levels; 32 leaves room
// for what comes (polls, rich bodies) while keeping every recursive walk of a parsed value
// (copy, dump, comparison) far from the stack's end.
inline constexpr std::size_t max_depth = 32;

// True when no array or object in `text` is nested deeper than `limit`. Linear, with no
// recursion and no allocation: it runs before the parser, so that a body of ten thousand '['
// is refused before any tree is built.
bool depth_within(std::string_view text, std::size_t limit = max_depth);

// Every JSON the server receives (request bodies, stream frames) goes through here: the value,
// or a discarded value (is_discarded()) when the text is not JSON or nests too deep.
nlohmann::json parse(std::string_view text, std::size_t limit = max_depth);

}  // namespace ps::json_input
