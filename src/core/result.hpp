#pragma once
#include <utility>
#include <variant>

#include "core/error.hpp"

namespace ps {

// A value or the api_error that a caller must handle: services return these instead of
// throwing, so the failure paths are visible at every call site.
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  result(api_error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const api_error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, api_error> state_;
};

struct done_t {};
inline constexpr done_t done{};

// For operations that return nothing but may fail.
using outcome = result<done_t>;

}  // namespace ps
