#pragma once
// Exceptions a stage may throw. The engine turns every exception from a stage
// into a node failure that names the node, the stage id and the message; these
// types let it add precise context (a parameter, a column).
#include <stdexcept>
#include <string>

#include "sluice/export.hpp"

namespace sluice {

// A user-facing error with a message that says what is wrong and how to fix it.
class SLUICE_API Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A parameter value that the stage rejects (thrown from Stage::validate or create). Its message
// starts with "parameter 'NAME'" (param_error() writes it so); the engine adds that in front of a
// message that does not, and the parameter's position in the pipeline file.
class SLUICE_API ParamError : public Error {
 public:
  ParamError(std::string param, const std::string& message) : Error(message), param_(std::move(param)) {}
  const std::string& param() const { return param_; }

 private:
  std::string param_;
};

// ParamError(param, "parameter 'param': " + problem): the form every bundled stage uses (SDK 1.7).
inline ParamError param_error(const std::string& param, const std::string& problem) {
  return ParamError(param, "parameter '" + param + "': " + problem);
}

// A required input column is absent.
class SLUICE_API MissingColumn : public Error {
 public:
  using Error::Error;
};

// The run was cancelled (Ctrl-C, fail-fast, timeout). Stages throw it via Context::check_cancelled().
class SLUICE_API Cancelled : public Error {
 public:
  Cancelled() : Error("cancelled") {}
};

}  // namespace sluice
