#pragma once
#include "core/error.hpp"

// The refusals of mentions, collected at start-up by app/capabilities.cpp.
namespace ps::mentions {

inline constexpr error_kind not_in_room{
    422, "mention_not_in_room",
    "Tu mentionnes une personne qui ne peut pas voir ce salon : retire la mention, ou "
    "invite-la d’abord.",
    "You mention someone who cannot see this room: remove the mention, or invite them first."};

inline constexpr const error_kind* declared_errors[] = {&not_in_room};

}  // namespace ps::mentions
