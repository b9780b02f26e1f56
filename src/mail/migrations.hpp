#pragma once
#include <span>

#include "db/migrations.hpp"

namespace ps::mail {

// The outbox's schema steps after the first (collected by app/capabilities.cpp).
std::span<const db::migration> migrations();

}  // namespace ps::mail
