#pragma once
#include <span>

#include "db/migrations.hpp"

namespace ps::notifications {

std::span<const db::migration> migrations();

}  // namespace ps::notifications
