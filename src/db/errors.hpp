#pragma once
#include "core/error.hpp"

// What a request is told when the database cannot answer (PostgreSQL restarting, its network
// gone): collected at start-up by app/capabilities.cpp like every capability's own refusals.
namespace ps::db {

inline constexpr error_kind database_unavailable{
    503, "database_unavailable",
    "La base de données ne répond pas pour l'instant. Rien n'a été enregistré : réessaie dans "
    "un moment.",
    "The database is not answering right now. Nothing was saved: try again in a moment."};

inline constexpr const error_kind* declared_errors[] = {&database_unavailable};

}  // namespace ps::db
