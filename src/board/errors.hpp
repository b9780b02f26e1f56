#pragma once
#include "core/error.hpp"

// The board's own refusals, collected at start-up by app/capabilities.cpp.
namespace ps::board {

inline constexpr error_kind post_locked{409, "post_locked",
                                        "Les commentaires sont fermés sur cette publication.",
                                        "Comments are closed on this post."};
inline constexpr error_kind not_a_board{
    409, "not_a_board", "Ce salon n’est pas un babillard : on y écrit des messages.",
    "This room is not a board: it takes messages."};

inline constexpr const error_kind* declared_errors[] = {&post_locked, &not_a_board};

}  // namespace ps::board
