#pragma once
#include <span>

#include "db/migrations.hpp"

namespace ps::conversations {

std::span<const db::migration> migrations();

}  // namespace ps::conversations
