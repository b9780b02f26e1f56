#pragma once
#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"

// Statements over lists of any length up to db::max_batch, written so that each is one of a
// few texts: every engine prepares a statement once per text, so a text per length would
// prepare up to 64 of each.
namespace ps::db {

// The slots a list of `n` items is written for: 4, 16 or 64 (n at most max_batch). A list
// looked up (an IN list, the arms of a union_all) is padded to it by repeating its last item
// (append_padded), which changes nothing but duplicate rows the caller drops.
std::size_t padded_size(std::size_t n);

// Appends the values of `items` padded to `slots` by repeating the last item: values_of(item,
// params) appends one item's values.
template <class Item, class ValuesOf>
void append_padded(std::vector<param>& params, std::span<const Item> items, std::size_t slots,
                   ValuesOf values_of) {
  for (std::size_t i = 0; i < slots; ++i) values_of(items[std::min(i, items.size() - 1)], params);
}

// "$1, $2, $3": `n` placeholders numbered from `first`, for an IN list.
std::string placeholder_list(std::size_t n, std::size_t first = 1);

// "($1, $2), ($3, $4)": `rows` rows of `columns` placeholders, numbered from `first`.
std::string placeholder_rows(std::size_t rows, std::size_t columns, std::size_t first = 1);

// "SELECT … WHERE a = $1 UNION ALL SELECT … WHERE a = $2": `rows` copies of `select`, each '?'
// in it a placeholder numbered from `first`. For looking rows up by several keys, each arm by
// an index: PostgreSQL plans every arm by itself, where a VALUES table joined or an OR of the
// keys let it scan a whole channel's rows when its statistics were stale (seen in the batch's
// look-ups: 5 to 8 ms instead of 0.1).
std::string union_all(std::size_t rows, std::string_view select, std::size_t first = 1);

// The sizes a list of rows to insert (which cannot be padded) is cut into: 16, then 4, then 1
// at a time. fn(offset, count) is called for each piece, in order.
template <class Fn>
void in_pieces(std::size_t n, Fn fn) {
  std::size_t at = 0;
  for (std::size_t piece : {std::size_t{16}, std::size_t{4}, std::size_t{1}})
    for (; n - at >= piece; at += piece) fn(at, piece);
}

// Inserts `rows` pipelined, in the pieces of in_pieces: "HEAD ($1, …), (…) TAIL", each row's
// `columns` values appended by values_of(row, params).
template <class Row, class ValuesOf>
void insert_pipelined(session& s, std::string_view head, std::size_t columns, std::span<Row> rows,
                      ValuesOf values_of, std::string_view tail = "") {
  in_pieces(rows.size(), [&](std::size_t at, std::size_t n) {
    std::string sql(head);
    sql += placeholder_rows(n, columns);
    sql += tail;
    std::vector<param> params;
    params.reserve(n * columns);
    for (const auto& row : rows.subspan(at, n)) values_of(row, params);
    s.execute_pipelined_params(sql, params);
  });
}

}  // namespace ps::db
