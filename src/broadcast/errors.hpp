#pragma once
#include "core/error.hpp"

// The refusals of broadcasts and their polls, collected by app/capabilities.cpp.
namespace ps::broadcast {

inline constexpr error_kind poll_closed{409, "poll_closed", "Ce sondage est fermé.",
                                        "This poll is closed."};
inline constexpr error_kind not_a_broadcast{409, "not_a_broadcast",
                                            "Les sondages se font dans un salon de diffusion.",
                                            "Polls go in a broadcast room."};

inline constexpr const error_kind* declared_errors[] = {&poll_closed, &not_a_broadcast};

}  // namespace ps::broadcast
