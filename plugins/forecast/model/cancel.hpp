#pragma once
// Stopping a long fit or prediction from outside. The model knows nothing of the Sluice SDK: its caller
// hands it a check, which it asks between the steps of its long loops (every optimizer iteration and
// Hessian column, every block of rows summed into X'X, every uncertainty sample and predicted
// row), and once the check says so the model throws Cancelled.
#include <functional>
#include <stdexcept>

namespace sluice::prophet {

// True once the caller wants the work stopped. Empty: never. Cross-validation fits its cutoffs in
// parallel, so the check may be asked from several threads at once.
using CancelCheck = std::function<bool()>;

// The work was stopped by its CancelCheck. Not a ModelError: nothing is wrong with the data or settings.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("the forecast model's work was cancelled") {}
};

inline void throw_if_cancelled(const CancelCheck& cancelled) {
  if (cancelled && cancelled()) throw Cancelled();
}

}  // namespace sluice::prophet
