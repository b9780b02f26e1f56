#pragma once
#include <span>

#include "db/migrations.hpp"

namespace ps::board {

std::span<const db::migration> migrations();

}  // namespace ps::board
