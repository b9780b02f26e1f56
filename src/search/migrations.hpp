#pragma once
#include <span>

#include "db/migrations.hpp"

namespace ps::search {

std::span<const db::migration> migrations();

}  // namespace ps::search
