#pragma once
// Process isolation for one stage invocation (a node with isolation = "process").
//
// The parent writes the inputs (sluice::encode_value) to a private directory
// under `scratch` and forks. The child decodes them, creates the stage through
// its factory, runs it with a minimal Context, writes the outputs and receipt
// back and leaves with _exit(). Logs and progress travel to the parent over a
// pipe, and cancellation over another, so the caller's Context sees them as if
// the stage ran in-process.
//
// What this buys: a stage that segfaults, aborts or corrupts its heap takes
// down only its child; the node fails with "stage crashed with SIGSEGV
// (segmentation fault) in an isolated process" and the run goes on.
//
// Limits (fork without exec): the child starts with only the calling thread, so
// stage code runs single-threaded there. A stage that starts its own threads is
// fine; one that relies on the parent's oneTBB worker pool gets a fresh arena
// that may run serially. Locks held by other parent threads at fork time are
// never taken in the child: it touches only the encoded inputs, the stage and
// its own Context.
#include <filesystem>

#include <sluice/context.hpp>
#include <sluice/params.hpp>
#include <sluice/stage.hpp>
#include <sluice/value.hpp>

namespace sluice::engine {

// Runs factory(params)->run(...) in a forked child and returns its outputs.
// Throws sluice::Error with the child's message when the stage fails, with
// "stage crashed with SIG... in an isolated process" when it dies from a
// signal, and sluice::Cancelled when `ctx` is cancelled (the child is asked to
// stop, then killed after a grace period). `scratch` must be a writable
// directory; a private sub-directory is created in it and removed afterwards.
Outputs run_isolated(const StageFactory& factory, const Params& params, const Inputs& inputs, Context& ctx,
                     const std::filesystem::path& scratch);

// "SIGSEGV (segmentation fault)", "SIGABRT (abort)", ... for messages.
std::string describe_signal(int signal);

}  // namespace sluice::engine
