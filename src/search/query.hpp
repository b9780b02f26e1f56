#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

// What a member typed, made into words. The engines' query languages are never exposed: a
// quote, a star, a minus, NEAR or OR is punctuation or a word like any other, never syntax, so
// no input can make a query the engine refuses or one that costs more than the words it holds.
namespace ps::search {

inline constexpr std::size_t max_query_length = 200;  // code points
inline constexpr std::size_t max_terms = 10;          // later words are ignored
inline constexpr std::size_t max_term_length = 64;    // code points; the rest is cut
inline constexpr std::size_t min_prefix_length = 3;   // a shorter last word matches whole

struct terms {
  // Each a run of letters and digits (any script), as typed: the engines fold case and accents.
  std::vector<std::string> words;
  // The last word also matches as a prefix ("ques" finds "question"), as one types: unless it
  // is followed by a space, or shorter than min_prefix_length.
  bool last_is_prefix = true;
};

// 422 invalid_field "q" for a missing, too long or malformed query, 422 search_needs_words when
// it holds no word at all (only punctuation, symbols or FTS syntax).
result<terms> terms_of(std::string_view typed);

// The words as FTS5 MATCH text: each a quoted string ("a" "b"*), so FTS5's own tokenizer folds
// it exactly as it folded the indexed text, and nothing in it is an operator.
std::string fts5_match(const terms& t);
// The words as to_tsquery text ('a' & 'b':*), for PostgreSQL's ps_search configuration.
std::string tsquery(const terms& t);

}  // namespace ps::search
