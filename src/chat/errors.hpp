#pragma once
#include "core/error.hpp"

// The chat's own refusals (core/error.hpp has the generic ones), collected at start-up by
// app/capabilities.cpp.
namespace ps::chat {

inline constexpr error_kind channel_archived{409, "channel_archived", "Ce canal est archivé.",
                                             "This channel is archived."};

inline constexpr const error_kind* declared_errors[] = {&channel_archived};

}  // namespace ps::chat
