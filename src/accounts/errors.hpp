#pragma once
#include "core/error.hpp"

// The accounts' own refusals (core/error.hpp has the generic ones), collected at start-up by
// app/capabilities.cpp.
namespace ps::accounts {

inline constexpr error_kind email_taken{409, "email_taken", "Un compte utilise déjà ce courriel.",
                                        "An account already uses this email."};

inline constexpr const error_kind* declared_errors[] = {&email_taken};

}  // namespace ps::accounts
