// Expected failures are values (STYLE.md, principle 4): a Result<T> holds either a T or an
// Error, and the caller has to look. Exceptions are for what ends a request unexpectedly.
//
//   Result<Company> r = companies.Get(ctx, id);
//   if (!r) return r.error();          // propagate
//   Use(*r);
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace kanri {

enum class ErrorCode {
  kInvalidArgument,         // 400 / 422: the input is wrong; `field` names where
  kUnauthenticated,         // 401: no (valid) session, or a failed login
  kPermissionDenied,        // 403
  kNotFound,                // 404, also for another company's IDs (SEC-8)
  kConflict,                // 409: unique key taken, state does not allow it
  kLimitExceeded,           // 422: a limit or rule would be broken (a per-company limit, a lock-out)
  kPasswordChangeRequired,  // 403: a temporary password must be changed first
  kTooManyRequests,         // 429: throttled
  kUnavailable,             // 503: overloaded or a dependency is down
  kInternal,                // 500
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;  // for kInvalidArgument: the offending input field, if any
  // A stable problem code more precise than the code's default ("allocation_overlap").
  std::string problem = {};
  // The offending values, when the problem lists them (the unknown serial numbers of a group).
  std::vector<std::string> items = {};
};

inline Error InvalidArgument(std::string field, std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message), std::move(field)};
}
inline Error NotFound(std::string message = "not found") {
  return Error{ErrorCode::kNotFound, std::move(message), {}};
}
inline Error Conflict(std::string message, std::string problem = {}) {
  return Error{ErrorCode::kConflict, std::move(message), {}, std::move(problem)};
}
inline Error LimitExceeded(std::string problem, std::string message) {
  return Error{ErrorCode::kLimitExceeded, std::move(message), {}, std::move(problem)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& operator*() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& operator*() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& operator*() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() {
    assert(ok());
    return &std::get<0>(v_);
  }
  const T* operator->() const {
    assert(ok());
    return &std::get<0>(v_);
  }
  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;

}  // namespace kanri
