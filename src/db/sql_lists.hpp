#pragma once
#include <cstddef>
#include <string>
#include <string_view>

// Statements over lists of any length up to db::max_batch, written so that each is one of a
// few texts: every engine prepares a statement once per text, so a text per length would
// prepare up to 64 of each.
namespace ps::db {

// The slots a list of `n` items is written for: 4, 16 or 64 (n at most max_batch). A list
// looked up (IN, a VALUES table joined) is padded to it by repeating its last item, which
// changes nothing but duplicate rows the caller drops.
std::size_t padded_size(std::size_t n);

// "($1, $2), ($3, $4)": `rows` rows of `columns` placeholders, numbered from `first`.
std::string placeholder_rows(std::size_t rows, std::size_t columns, std::size_t first = 1);

// "(a = $1 AND b = $2) OR (a = $3 AND b = $4)": `rows` copies of `term`, each '?' in it a
// placeholder numbered from `first`. For looking rows up by several keys: PostgreSQL then scans
// the index once per key (a BitmapOr), where a VALUES table joined can make it read the whole
// table when one channel holds most rows (seen in the batch's queries: 5 ms instead of 0.1).
std::string any_of(std::size_t rows, std::string_view term, std::size_t first = 1);

// The sizes a list of rows to insert (which cannot be padded) is cut into: 16, then 4, then 1
// at a time. fn(offset, count) is called for each piece, in order.
template <class Fn>
void in_pieces(std::size_t n, Fn fn) {
  std::size_t at = 0;
  for (std::size_t piece : {std::size_t{16}, std::size_t{4}, std::size_t{1}})
    for (; n - at >= piece; at += piece) fn(at, piece);
}

}  // namespace ps::db
