#pragma once
#include <span>

#include "db/migrations.hpp"

namespace ps::communities {

// This capability's steps of the schema, collected by app/capabilities.cpp.
std::span<const db::migration> migrations();

}  // namespace ps::communities
