#pragma once
// What the engine and an isolated stage process say to each other (see isolated_run.hpp).
//
// Files in the invocation's private directory carry the bulk data:
//   request.bin  engine -> child: plugin file, stage id, the Context's facts, params, inputs
//   outputs.bin  child -> engine: receipt and outputs (the cache's object encoding per value)
//   error.txt    child -> engine: the message of a stage that threw
// Two pipes carry the live traffic: events (logs, progress) from the child on fd 3, and
// cancellation to the child on fd 4 (EOF means "stop").
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <sluice/context.hpp>
#include <sluice/params.hpp>
#include <sluice/value.hpp>

namespace sluice::engine::isolation {

inline constexpr std::string_view kChildCommand = "__isolated-stage";  // argv[1] of the child
inline constexpr int kEventsFd = 3;
inline constexpr int kCancelFd = 4;
inline constexpr const char* kRequestFile = "request.bin";
inline constexpr const char* kOutputsFile = "outputs.bin";
inline constexpr const char* kErrorFile = "error.txt";
inline constexpr int kExitStageError = 3;
inline constexpr int kExitCancelled = 4;

// Which stage to run, and the facts its Context reports.
struct StageFacts {
  std::filesystem::path plugin;  // the plugin file the engine loaded the stage from
  std::string stage_id;
  std::string node_id;
  std::filesystem::path pipeline_dir;
  std::string run_info;  // Context::run_info_json()
  std::optional<Table> partition_keys;  // Context::partition_keys()
};
struct Request {
  StageFacts facts;
  Params params;  // validated, defaults filled in
  Inputs inputs;
};
// Encodes straight from the caller's parameters and inputs (no copies of either).
std::string encode_request(const StageFacts& facts, const Params& params, const Inputs& inputs);
Request decode_request(std::string_view bytes);  // throws sluice::Error on truncated data

std::string encode_outputs(const Outputs& outputs);
Outputs decode_outputs(std::string_view bytes);

// Events: one type byte, a length, the payload.
std::string log_event(LogLevel level, std::string_view message);
std::string progress_event(std::uint64_t done, std::uint64_t total, std::string_view unit);
// Forwards the complete events at the front of `buffer` to `ctx` and removes them.
void forward_events(std::string& buffer, Context& ctx);
// After the events pipe closed: bytes left over are not an event (a stage wrote to the pipe).
void check_events_drained(const std::string& buffer);

// Whole-file helpers whose errors name the file.
void write_file(const std::filesystem::path& file, std::string_view bytes);
std::string read_file(const std::filesystem::path& file);

}  // namespace sluice::engine::isolation
