#pragma once
#include <span>

#include "db/migrations.hpp"

namespace ps::accounts {

// This capability's steps of the schema, collected by app/capabilities.cpp.
std::span<const db::migration> migrations();

}  // namespace ps::accounts
