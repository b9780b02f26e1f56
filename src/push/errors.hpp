#pragma once
#include "core/error.hpp"

// The refusals of push, collected at start-up by app/capabilities.cpp.
namespace ps::push {

inline constexpr error_kind invalid_subscription{
    422, "invalid_push_subscription",
    "Cet abonnement aux notifications n’est pas valable : son adresse doit être en https:// chez "
    "un service de notifications, et ses clés celles que le navigateur donne.",
    "This push subscription is not valid: its endpoint must be an https:// address of a push "
    "service, and its keys the ones the browser gives."};

inline constexpr const error_kind* declared_errors[] = {&invalid_subscription};

}  // namespace ps::push
