#pragma once
#include <span>

#include "db/migrations.hpp"

namespace ps::tiers {

// The tiers' tables (collected by app/capabilities.cpp).
std::span<const db::migration> migrations();

}  // namespace ps::tiers
