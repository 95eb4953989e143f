#include "exec/ordered_loads.hpp"

#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <exception>

#include "exec/handoff_budget.hpp"

namespace sluice::engine {

namespace {
// The first exception of any thread. Only the thread that sets `caught_` writes `error_`, and it
// is read after the pipeline has joined every thread.
class FirstFailure {
 public:
  template <class Step>
  void guard(const Step& step) noexcept {
    try {
      step();
    } catch (...) {
      if (!caught_.exchange(true)) error_ = std::current_exception();
    }
  }
  bool caught() const { return caught_.load(); }
  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::atomic<bool> caught_{false};
  std::exception_ptr error_;
};
}  // namespace

void load_in_order(std::size_t count, const std::function<ValuePtr(std::size_t)>& load,
                   const std::function<void(const Value&)>& consume) {
  if (count == 0) return;
  bool small = false;
  {  // the first item on this thread: its size decides how the others are loaded
    const ValuePtr first = load(0);
    if (first) consume(*first);
    small = first && value_bytes(*first) < kSerialLoadBytes;
  }
  if (small) {
    for (std::size_t i = 1; i < count; ++i)
      if (const ValuePtr v = load(i)) consume(*v);
    return;
  }
  FirstFailure failure;
  std::size_t next = 1;
  const auto take_next = [&](tbb::flow_control& fc) -> std::size_t {
    if (next < count && !failure.caught()) return next++;
    fc.stop();
    return 0;
  };
  const auto load_one = [&](std::size_t i) {
    ValuePtr v;
    failure.guard([&] { v = load(i); });
    return v;
  };
  const auto consume_one = [&](const ValuePtr& v) {
    if (v && !failure.caught()) failure.guard([&] { consume(*v); });
  };
  tbb::this_task_arena::isolate([&] {
    const auto in_flight = static_cast<std::size_t>(4 * tbb::this_task_arena::max_concurrency());
    tbb::parallel_pipeline(in_flight,
                           tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order, take_next) &
                               tbb::make_filter<std::size_t, ValuePtr>(tbb::filter_mode::parallel, load_one) &
                               tbb::make_filter<ValuePtr, void>(tbb::filter_mode::serial_in_order, consume_one));
  });
  failure.rethrow();
}

}  // namespace sluice::engine
