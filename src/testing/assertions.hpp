#pragma once
// Checks shared by the service tests.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/result.hpp"

namespace ps::testing {

// The one check of a failure: the code, and for invalid_field the field and the problem.
template <class T>
::testing::AssertionResult fails_with(const result<T>& r, error_code code, const std::string& field = "",
                                      std::optional<field_problem> problem = std::nullopt) {
  if (r.ok()) return ::testing::AssertionFailure() << "succeeded, expected " << code_name(code);
  const api_error& e = r.error();
  if (e.code != code)
    return ::testing::AssertionFailure() << "failed with " << code_name(e) << ", expected " << code_name(code);
  if (e.field != field)
    return ::testing::AssertionFailure() << "field \"" << e.field << "\", expected \"" << field << "\"";
  if (problem && e.problem != *problem)
    return ::testing::AssertionFailure() << "problem " << static_cast<int>(e.problem) << ", expected "
                                         << static_cast<int>(*problem);
  return ::testing::AssertionSuccess();
}

// The same for one of a capability's own errors (an error_kind).
template <class T>
::testing::AssertionResult fails_with(const result<T>& r, const error_kind& kind) {
  if (r.ok()) return ::testing::AssertionFailure() << "succeeded, expected " << kind.code;
  const api_error& e = r.error();
  if (e.kind != &kind)
    return ::testing::AssertionFailure() << "failed with " << code_name(e) << ", expected " << kind.code;
  return ::testing::AssertionSuccess();
}

}  // namespace ps::testing
