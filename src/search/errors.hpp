#pragma once
#include "core/error.hpp"

// The refusals of search, collected at start-up by app/capabilities.cpp.
namespace ps::search {

inline constexpr error_kind needs_words{
    422, "search_needs_words",
    "Écris au moins un mot à chercher : les signes de ponctuation seuls ne trouvent rien.",
    "Type at least one word to search for: punctuation alone finds nothing."};

inline constexpr const error_kind* declared_errors[] = {&needs_words};

}  // namespace ps::search
