#pragma once
#include "core/error.hpp"

// The communities' own refusals (core/error.hpp has the generic ones), collected at start-up by
// app/capabilities.cpp.
namespace ps::communities {

inline constexpr error_kind slug_taken{409, "slug_taken",
                                       "Cette adresse de communauté est déjà prise.",
                                       "This community address is already taken."};
// A person a host removed, until a host lets them back in (also refused by invitations).
inline constexpr error_kind removed_from_community{
    403, "removed_from_community",
    "Ton accès à cette communauté a été retiré. Tu pourras la rejoindre de nouveau quand une "
    "personne hôte t’aura laissé revenir.",
    "You were removed from this community. You can join it again once a host lets you back in."};

inline constexpr const error_kind* declared_errors[] = {&slug_taken, &removed_from_community};

}  // namespace ps::communities
