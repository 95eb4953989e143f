#pragma once
// The stages of the seed's joblib lesson: a range of integers, squaring with a
// simulated slow step, and the Leibniz approximation of pi.
#include <sluice/sdk.hpp>

namespace sluice::examples {

StageDescriptor range_descriptor();
std::unique_ptr<Stage> make_range(const Params& params);

StageDescriptor square_descriptor();
std::unique_ptr<Stage> make_square(const Params& params);

StageDescriptor pi_leibniz_descriptor();
std::unique_ptr<Stage> make_pi_leibniz(const Params& params);
// The seed's batch_process_function: sum of 10^order Leibniz terms. Never inlined, so the stage and
// bench/partitions (which compiles this file too) run the same machine code, and the benchmark
// compares the engine, not how the compiler specialised the loop at each call site.
[[gnu::noinline]] double leibniz_pi(int order);

}  // namespace sluice::examples
