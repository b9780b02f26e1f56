#pragma once
#include <span>

#include "db/migrations.hpp"

namespace ps::push {

std::span<const db::migration> migrations();

}  // namespace ps::push
