#pragma once
#include <span>

#include "db/migrations.hpp"

namespace ps::files {

std::span<const db::migration> migrations();

}  // namespace ps::files
