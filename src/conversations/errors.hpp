#pragma once
#include "core/error.hpp"

// The refusals of direct conversations and private groups, collected by app/capabilities.cpp.
namespace ps::conversations {

inline constexpr error_kind direct_messages_off{
    403, "direct_messages_off", "Les hôtes ont fermé les messages privés dans cette communauté.",
    "The hosts turned private messages off in this community."};
inline constexpr error_kind refuses_direct_messages{
    403, "refuses_direct_messages",
    "Cette personne prend les messages privés seulement des gens avec qui elle a déjà jasé.",
    "This person only takes private messages from people they have talked with."};
inline constexpr error_kind direct_is_two{
    409, "direct_is_two",
    "Une conversation à deux reste à deux : crée un groupe pour ajouter du monde.",
    "A direct conversation stays between two: start a group to add people."};

inline constexpr const error_kind* declared_errors[] = {&direct_messages_off,
                                                        &refuses_direct_messages, &direct_is_two};

}  // namespace ps::conversations
