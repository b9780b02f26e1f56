#pragma once
#include <span>

#include "db/migrations.hpp"

namespace ps::mentions {

std::span<const db::migration> migrations();

}  // namespace ps::mentions
