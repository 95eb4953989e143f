#pragma once
// The isolated stage process: `sluice __isolated-stage DIR`, started by run_isolated().
// It is a new program image, not a fork of the engine, so it shares no lock, thread or
// library state with the engine that started it.
#include <filesystem>

namespace sluice::engine {

// Reads DIR/request.bin, loads the plugin, runs the stage with a Context that relays logs and
// progress over fd 3 and watches fd 4 for cancellation, and writes DIR/outputs.bin (or
// DIR/error.txt). Returns the process exit code (see isolation_protocol.hpp).
int run_isolated_child(const std::filesystem::path& dir);

}  // namespace sluice::engine
