#pragma once
#include "core/error.hpp"

// The chat's own refusals (core/error.hpp has the generic ones), collected at start-up by
// app/capabilities.cpp.
namespace ps::chat {

inline constexpr error_kind channel_archived{409, "channel_archived", "Ce canal est archivé.",
                                             "This channel is archived."};

// A board takes posts and comments (POST /channels/{id}/posts), not chat messages.
inline constexpr error_kind room_takes_posts{409, "room_takes_posts",
                                             "Ce salon est un babillard : écris-y une publication.",
                                             "This room is a board: write a post there."};

// In a broadcast, only hosts post; members read and react.
inline constexpr error_kind hosts_only_room{
    403, "hosts_only_room", "Dans ce salon, seuls les hôtes publient. Tu peux réagir aux messages.",
    "In this room only hosts post. You can react to the messages."};

inline constexpr const error_kind* declared_errors[] = {&channel_archived, &room_takes_posts,
                                                        &hosts_only_room};

}  // namespace ps::chat
