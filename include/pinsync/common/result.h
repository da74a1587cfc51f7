#pragma once
// Result<T, E>: a value or a typed error, the only way errors cross module boundaries.
// A small stand-in for C++23 std::expected (gcc 12 / C++20 has none).

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace pinsync {

// The generic error: what was wrong, where, and what to do, in one message.
// Modules with a closed set of failure kinds use their own error type with an enum instead.
struct Error {
  std::string message;
};

template <class E>
struct Unexpected {
  E error;
};
template <class E>
Unexpected(E) -> Unexpected<E>;

inline Unexpected<Error> MakeError(std::string message) { return {Error{std::move(message)}}; }

template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  template <class G>
  Result(Unexpected<G> u) : v_(std::in_place_index<1>, E(std::move(u.error))) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, E> v_;
};

// Result<void>: success or an error.
struct Ok {};
template <class E = Error>
using Status = Result<Ok, E>;
inline Status<> OkStatus() { return Ok{}; }

}  // namespace pinsync
