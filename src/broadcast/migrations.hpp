#pragma once
#include <span>

#include "db/migrations.hpp"

namespace ps::broadcast {

std::span<const db::migration> migrations();

}  // namespace ps::broadcast
