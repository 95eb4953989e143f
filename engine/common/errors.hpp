#pragma once
// Engine-wide error types. A UsageError means "the user's input is wrong" and
// maps to exit code 2; its message is complete (where, what, how to fix).
#include <stdexcept>
#include <string>

namespace sluice::engine {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sluice::engine
