#pragma once
#include <span>

#include "db/migrations.hpp"

namespace ps::jobs {

// The job table (collected by app/capabilities.cpp).
std::span<const db::migration> migrations();

}  // namespace ps::jobs
