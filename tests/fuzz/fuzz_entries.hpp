#pragma once
// One entry function per parser of untrusted bytes. The libFuzzer targets call
// them, and the integration tests replay the committed corpora through the same
// functions in the normal build, so every crash found once stays fixed.
//
// Contract of each entry: any input either parses or raises the parser's own
// clean error type; anything else (another exception, a crash, a sanitizer
// report) is a bug. The entries swallow only the documented error types.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/errors.hpp>
#include <sluice/serialize.hpp>
#include <sluice/stage.hpp>

#include "cache/object_store.hpp"
#include "common/errors.hpp"
#include "graph/dag.hpp"
#include "pipeline/pipeline_loader.hpp"
#include "pipeline/schema_check.hpp"
#include "schedule/cron.hpp"
#include "schedule/cron_next.hpp"

namespace sluice::fuzz {

// Two stand-in stages with one parameter of every kind, so the schema checker's
// type, bound and choice paths are reachable without loading plugins.
inline const std::vector<StageDescriptor>& fuzz_descriptors() {
  static const std::vector<StageDescriptor> descriptors = [] {
    StageDescriptor source;
    source.id = "fuzz.source";
    source.outputs = {PortSpec{"table", PortType::Table, false, false, ""}};
    source.params = {
        ParamSpec{"path", ParamType::String, std::nullopt, true, {}, {}, {}, ""},
        ParamSpec{"rows", ParamType::Int, ParamValue(10), false, 0.0, 1000.0, {}, ""},
        ParamSpec{"mode", ParamType::String, ParamValue("a"), false, {}, {}, {"a", "b"}, ""},
    };
    StageDescriptor join;
    join.id = "fuzz.join";
    join.inputs = {PortSpec{"left", PortType::Table, false, false, ""},
                   PortSpec{"right", PortType::Table, true, false, ""}};
    join.outputs = {PortSpec{"table", PortType::Table, false, false, ""},
                    PortSpec{"report", PortType::Blob, false, false, ""}};
    join.params = {
        ParamSpec{"keys", ParamType::StringList, std::nullopt, false, {}, {}, {}, ""},
        ParamSpec{"weight", ParamType::Double, ParamValue(1.0), false, 0.0, {}, {}, ""},
        ParamSpec{"flag", ParamType::Bool, ParamValue(false), false, {}, {}, {}, ""},
        ParamSpec{"ints", ParamType::IntList, std::nullopt, false, {}, {}, {}, ""},
        ParamSpec{"any", ParamType::Any, std::nullopt, false, {}, {}, {}, ""},
    };
    StageDescriptor merge;
    merge.id = "fuzz.merge";
    merge.inputs = {PortSpec{"tables", PortType::Table, false, true, ""}};
    merge.outputs = {PortSpec{"table", PortType::Table, false, false, ""}};
    return std::vector<StageDescriptor>{source, join, merge};
  }();
  return descriptors;
}

// Pipeline text -> spec -> DAG -> schema check, as `sluice validate` does.
inline void fuzz_pipeline(std::string_view text) {
  try {
    const auto spec = engine::parse_pipeline(text, "fuzz.toml");
    const auto dag = engine::Dag::build(spec);
    std::vector<std::string> ids;
    for (const auto& d : fuzz_descriptors()) ids.push_back(d.id);
    (void)engine::check_against_schemas(
        spec, dag,
        [](std::string_view id) -> const StageDescriptor* {
          for (const auto& d : fuzz_descriptors())
            if (d.id == id) return &d;
          return nullptr;
        },
        ids);
  } catch (const engine::UsageError&) {
    // A clean, user-facing rejection.
  }
}

// A cache object file: header + (maybe zstd) payload, then the value decoder.
// The checksum makes random payloads fail early, so the value decoder is also
// fed the raw bytes directly.
inline void fuzz_cache_object(std::string_view bytes) {
  Hash128 named;  // the hash the header claims, so the header check can pass
  if (bytes.size() >= 32) {
    std::memcpy(&named.high, bytes.data() + 16, 8);
    std::memcpy(&named.low, bytes.data() + 24, 8);
  }
  try {
    const engine::ByteBuffer raw = engine::ObjectStore::unframe(named, bytes);
    (void)decode_value(raw.view());
  } catch (const Error&) {
  }
  try {
    (void)decode_value(bytes);
  } catch (const Error&) {
  }
}

// A cron expression (the [pipeline.schedule] cron string).
inline void fuzz_cron(std::string_view text) {
  try {
    const auto expr = engine::CronExpr::parse(std::string(text));
    // A parsed expression must also be usable: the next fire time from a fixed instant.
    static const date::time_zone* utc = date::locate_zone("UTC");
    (void)engine::next_fire(expr, utc, engine::SysTime{std::chrono::seconds(1700000000)});
  } catch (const engine::CronError&) {
  }
}

}  // namespace sluice::fuzz
