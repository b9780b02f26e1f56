#include "db/sql_lists.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>
#include <vector>

#include "db/database.hpp"

namespace ps::db {
namespace {

TEST(SqlLists, ListsArePaddedToOneOfThreeSizes) {
  EXPECT_EQ(padded_size(1), 4u);
  EXPECT_EQ(padded_size(4), 4u);
  EXPECT_EQ(padded_size(5), 16u);
  EXPECT_EQ(padded_size(16), 16u);
  EXPECT_EQ(padded_size(17), 64u);
  EXPECT_EQ(padded_size(max_batch), 64u);
  EXPECT_THROW(padded_size(0), std::logic_error);
  EXPECT_THROW(padded_size(max_batch + 1), std::logic_error);
}

TEST(SqlLists, PlaceholdersAreNumberedInOrder) {
  EXPECT_EQ(placeholder_rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
  EXPECT_EQ(placeholder_rows(1, 2, 5), "($5, $6)");
  EXPECT_EQ(placeholder_list(3, 4), "$4, $5, $6");
  EXPECT_EQ(union_all(2, "SELECT x FROM t WHERE a = ? AND b BETWEEN ? AND ?"),
            "SELECT x FROM t WHERE a = $1 AND b BETWEEN $2 AND $3 UNION ALL SELECT x FROM t WHERE "
            "a = $4 AND b BETWEEN $5 AND $6");
}

TEST(SqlLists, ListsArePaddedWithTheirLastItem) {
  const std::vector<std::int64_t> ids{7, 8};
  std::vector<param> params;
  append_padded(params, std::span<const std::int64_t>(ids), padded_size(ids.size()),
                [](std::int64_t id, std::vector<param>& p) { p.emplace_back(id); });
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(std::get<std::int64_t>(params[1].v), 8);
  EXPECT_EQ(std::get<std::int64_t>(params[3].v), 8);
}

TEST(SqlLists, RowsToInsertAreCutIntoPiecesOf16Then4Then1) {
  std::vector<std::pair<std::size_t, std::size_t>> pieces;
  in_pieces(39, [&](std::size_t at, std::size_t n) { pieces.emplace_back(at, n); });
  EXPECT_EQ(pieces, (std::vector<std::pair<std::size_t, std::size_t>>{
                        {0, 16}, {16, 16}, {32, 4}, {36, 1}, {37, 1}, {38, 1}}));
  pieces.clear();
  in_pieces(0, [&](std::size_t at, std::size_t n) { pieces.emplace_back(at, n); });
  EXPECT_TRUE(pieces.empty());
}

}  // namespace
}  // namespace ps::db
