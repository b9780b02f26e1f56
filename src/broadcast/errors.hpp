#pragma once
#include "core/error.hpp"

// The refusals of broadcasts and their polls, collected by app/capabilities.cpp.
namespace ps::broadcast {

inline constexpr error_kind poll_closed{409, "poll_closed", "Ce sondage est fermé.",
                                        "This poll is closed."};
inline constexpr error_kind not_a_broadcast{
    409, "not_a_broadcast", "Les sondages et les questions se font dans un salon de diffusion.",
    "Polls and questions go in a broadcast room."};
inline constexpr error_kind prompt_closed{409, "prompt_closed",
                                          "Cette question ne prend plus de réponses.",
                                          "This question takes no more answers."};

inline constexpr const error_kind* declared_errors[] = {&poll_closed, &not_a_broadcast,
                                                        &prompt_closed};

}  // namespace ps::broadcast
