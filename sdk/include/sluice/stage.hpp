#pragma once
// A stage: the unit of work a pipeline node names. Plugins describe stages with
// a StageDescriptor (pure data) and create instances through a factory.
//
// Lifecycle and threads:
//  - The engine calls the factory with validated Params (defaults filled in).
//    The factory may throw ParamError for cross-parameter checks.
//  - One instance serves one invocation (one node, or one partition of a node)
//    and is used by one thread at a time. Different instances run concurrently,
//    so stages must not share mutable global state without locking.
//  - Any exception thrown from run() becomes a node failure carrying the stage
//    id and the message; it never crashes the engine.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/context.hpp"
#include "sluice/params.hpp"
#include "sluice/value.hpp"

namespace sluice {

enum class StageKind : std::uint8_t { Extract, Transform, Load, Forecast, Report, Other };
SLUICE_API std::string_view to_string(StageKind kind);

struct SLUICE_API PortSpec {
  std::string name;
  PortType type = PortType::Table;
  bool optional = false;
  // A variadic input port takes any number of upstream nodes, each bound under
  // its node name (e.g. sluice.sql exposes every input as a SQL table).
  bool variadic = false;
  std::string doc;
};

struct SLUICE_API StageDescriptor {
  std::string id;       // reverse-DNS, e.g. "sluice.sqlite_extract"
  StageKind kind = StageKind::Other;
  std::string version;  // semantic version; a change invalidates cached outputs
  std::string summary;
  std::vector<PortSpec> inputs;
  std::vector<PortSpec> outputs;
  std::vector<ParamSpec> params;
  // Groups of optional input ports of which at least one must be connected, e.g. {"forecast",
  // "cards"}: checked when the pipeline is validated, like a required port (SDK 1.3).
  std::vector<std::vector<std::string>> one_of_inputs;

  const ParamSpec* find_param(std::string_view name) const;
};

class SLUICE_API Stage {
 public:
  virtual ~Stage() = default;

  virtual void run(Context& ctx, const Inputs& inputs, Outputs& outputs) = 0;

  // Sources: a cheap probe of the outside world (file identity, max(rowid)...).
  // When it returns a value, it becomes part of the cache key and an unchanged
  // fingerprint lets a rerun skip reading the source. nullopt = always run.
  virtual std::optional<std::string> fingerprint(Context& ctx) {
    (void)ctx;
    return std::nullopt;
  }

  // Sinks: whether the target still holds what the run recorded in `receipt`
  // (Outputs::set_receipt). Returning false reruns the node even when cached.
  virtual bool verify(Context& ctx, const std::string& receipt) {
    (void)ctx;
    (void)receipt;
    return true;
  }

  // Partitioned sinks: the partition whose run recorded `receipt` is no longer in the node's input
  // (a store removed from the source). Undo what it wrote where the stage's semantics call for it
  // (a load that mirrors its input removes the partition's rows); the default keeps everything.
  // Called on an unfiltered run, before the node's partitions run; an exception fails the node.
  virtual void retire(Context& ctx, const std::string& receipt) {
    (void)ctx;
    (void)receipt;
  }
};

using StageFactory = std::function<std::unique_ptr<Stage>(const Params&)>;

// Handed to a plugin's registration function; the plugin adds its stages.
class SLUICE_API Registrar {
 public:
  virtual ~Registrar() = default;
  virtual void add(StageDescriptor descriptor, StageFactory factory) = 0;

  template <typename StageT>
  void add(StageDescriptor descriptor) {
    add(std::move(descriptor), [](const Params& p) { return std::unique_ptr<Stage>(std::make_unique<StageT>(p)); });
  }
};

}  // namespace sluice
