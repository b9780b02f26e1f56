#pragma once
#include <span>

#include "db/migrations.hpp"

namespace ps::newsletter {

// The newsletter's tables (collected by app/capabilities.cpp).
std::span<const db::migration> migrations();

}  // namespace ps::newsletter
