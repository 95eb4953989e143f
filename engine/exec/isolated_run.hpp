#pragma once
// Process isolation for one stage invocation (a node with isolation = "process").
//
// The engine writes the request (plugin file, stage id, params, inputs in the cache's object
// encoding) to a private directory under `scratch` and starts a new process of the `sluice`
// program, `sluice __isolated-stage DIR` (posix_spawn: nothing of the engine runs between the
// fork and the exec). That process loads the one plugin, runs the stage and writes the outputs
// back; logs and progress travel to the engine over a pipe, and cancellation over another, so
// the caller's Context sees them as if the stage ran in-process.
//
// What this buys: a stage that segfaults, aborts or corrupts its heap takes down only its own
// process; the node fails with "stage crashed with SIGSEGV (segmentation fault) in an isolated
// process" and the run goes on. Because the stage process is a new program image rather than a
// fork of the multi-threaded engine, it inherits no lock another engine thread held (SQLite's,
// the allocator's, a sanitizer runtime's), and it gets its own oneTBB worker pool.
#include <filesystem>
#include <string>

#include <sluice/context.hpp>
#include <sluice/params.hpp>
#include <sluice/stage.hpp>
#include <sluice/value.hpp>

namespace sluice::engine {

struct IsolatedStage {
  std::filesystem::path plugin;  // the plugin file the engine loaded the stage from
  std::string stage_id;
  // The program to start; it must dispatch `__isolated-stage` to run_isolated_child() (the
  // `sluice` binary does). /proc/self/exe is the running binary even if it was replaced on disk.
  std::filesystem::path program = "/proc/self/exe";
};

// Runs the stage in its own process and returns its outputs. Throws sluice::Error with the
// stage's message when it fails, with "stage crashed with SIG... in an isolated process" when it
// dies from a signal, and sluice::Cancelled when `ctx` is cancelled (the process is asked to
// stop, then killed after a grace period). `scratch` must be a writable directory; a private
// sub-directory is created in it and removed afterwards.
Outputs run_isolated(const IsolatedStage& stage, const Params& params, const Inputs& inputs, Context& ctx,
                     const std::filesystem::path& scratch);

// "SIGSEGV (segmentation fault)", "SIGABRT (abort)", ... for messages.
std::string describe_signal(int signal);

}  // namespace sluice::engine
