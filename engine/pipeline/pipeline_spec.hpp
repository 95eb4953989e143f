#pragma once
// The parsed pipeline file: pure data, with the source location of every
// element so that any later validation error can point at file:line:col.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <sluice/params.hpp>

namespace sluice::engine {

struct SourceLoc {
  SourceLoc() = default;
  SourceLoc(std::string at_file, std::uint32_t at_line, std::uint32_t at_column)
      : file(std::move(at_file)), line(at_line), column(at_column) {}

  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  // How a value written here as a reference got its value, when the file does not show it:
  // "${vars.n} is given by --set vars.n=abc". Problem::str() appends it to the message.
  std::string via;
  std::string str() const;  // "file:line:col" (or "file" when unknown)
};

// One problem found in a pipeline: where it is and what is wrong, with how to fix it. `loc` is a
// place in the file, or the --set argument that gave the value (file = "--set ...", line 0), or
// empty when the message names its place itself.
struct Problem {
  SourceLoc loc;
  std::string message;
  std::string str() const;  // "file:line:col: message"
};

// Throws UsageError listing `problems` one a line: those without a line first, then in the order of
// the file. Returns when there are none.
void throw_problems(std::vector<Problem> problems);

struct InputRef {
  std::string port;       // the consumer's port; empty when given positionally
  std::string node;       // upstream node id
  std::string node_port;  // upstream output port; empty = its first output
  SourceLoc loc;
};

struct NodeSpec {
  std::string id;
  SourceLoc loc;
  std::string plugin;
  SourceLoc plugin_loc;
  std::vector<InputRef> inputs;
  std::map<std::string, ParamValue> params;
  std::map<std::string, SourceLoc> param_locs;
  SourceLoc params_loc;
  std::vector<std::string> foreach;  // partition key columns
  SourceLoc foreach_loc;
  std::vector<std::string> partitions;  // key values as in partition keys ("7", "north"), or "key=value"
  std::optional<std::uint64_t> batch_size;  // partitions per task; nullopt = auto
  unsigned max_parallel = 0;                // 0 = no per-node limit
  unsigned retries = 0;
  std::chrono::milliseconds timeout{0};     // 0 = none
  bool always_run = false;
  bool isolate = false;                     // isolation = "process"
  // Keys the loader reported a problem with ("plugin", "params", "params.NAME", "inputs"): the checks
  // after it skip them rather than report what follows from that problem (a parameter "missing").
  std::set<std::string> invalid_keys;
};

struct PipelineSpec {
  std::string name;
  std::string description;
  std::filesystem::path file;  // absolute
  std::filesystem::path dir;   // absolute
  std::vector<std::filesystem::path> plugin_dirs;  // absolute
  std::optional<std::uint64_t> max_cache_size;
  std::map<std::string, ParamValue> vars;
  std::vector<NodeSpec> nodes;  // in file order

  const NodeSpec* find(std::string_view id) const;
  std::vector<std::string> node_ids() const;
};

}  // namespace sluice::engine
