#pragma once
#include <functional>

namespace ps {

// Hands work to another thread (a request's own network thread) to run there, after what was
// handed to it before. Empty: the work runs where it is, on the thread that finishes it.
using continuation = std::function<void(std::function<void()>)>;

}  // namespace ps
