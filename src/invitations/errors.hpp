#pragma once
#include "core/error.hpp"

// The invitations' own refusals (core/error.hpp has the generic ones), collected at start-up by
// app/capabilities.cpp.
namespace ps::invitations {

inline constexpr error_kind invitation_expired{
    410, "invitation_expired", "Cette invitation a expiré.", "This invitation has expired."};
inline constexpr error_kind invitation_used_up{
    410, "invitation_used_up", "Cette invitation a déjà servi le nombre de fois prévu.",
    "This invitation has been used as many times as it allows."};
inline constexpr error_kind invitation_revoked{410, "invitation_revoked",
                                               "Cette invitation a été révoquée.",
                                               "This invitation has been revoked."};

inline constexpr const error_kind* declared_errors[] = {&invitation_expired, &invitation_used_up,
                                                        &invitation_revoked};

}  // namespace ps::invitations
