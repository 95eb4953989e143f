#include "exec/executor.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_set>

#include <sluice/errors.hpp>

#include "common/log.hpp"
#include "common/units.hpp"
#include "exec/cache_key.hpp"
#include "exec/co_partition.hpp"
#include "exec/dag_runner.hpp"
#include "exec/foreach_receipt.hpp"
#include "exec/group_commit.hpp"
#include "exec/handoff_budget.hpp"
#include "exec/isolated_run.hpp"
#include "exec/partition.hpp"
#include "exec/partition_log.hpp"
#include "exec/port_data.hpp"
#include "exec/progress.hpp"
#include "exec/stage_context.hpp"

namespace sluice::engine {

namespace {
using Clock = std::chrono::steady_clock;
using PortMap = std::map<std::string, std::shared_ptr<PortData>>;

// Partitions recorded per index transaction, and the longest a finished partition waits for it.
constexpr std::size_t kCommitGroup = 512;
constexpr std::chrono::milliseconds kCommitInterval{100};

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

bool is_sink(const StageDescriptor& d) { return d.kind == StageKind::Load || d.kind == StageKind::Report; }

// A node's partition filters as the user wrote them, for messages: "store_id=7, region=north".
std::string joined_filters(const std::vector<std::string>& filters) {
  std::string out;
  for (const auto& f : filters) out += (out.empty() ? "" : ", ") + f;
  return out;
}

// A node failure with the text the report shows.
struct NodeFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Decision {
  bool run = false;
  std::string reason;
  std::optional<ActionEntry> entry;
};
}  // namespace

struct Executor::Impl {
  const PipelineSpec& spec;
  const Dag& dag;
  std::vector<PreparedNode> nodes;
  Cache& cache;
  ExecOptions opt;

  std::vector<NodeReport> reports;
  std::vector<PortMap> outputs;
  // One byte per node, not vector<bool>: concurrent node tasks write their own entries, and
  // vector<bool> packs neighbours into one word.
  std::vector<std::uint8_t> reran;  // the node executed its stage in this run
  // Not run because an input holds only the partitions chosen with --partition (not a failure).
  std::vector<std::uint8_t> held_back;
  PartitionSelection cli_selection;  // --partition
  std::vector<std::unique_ptr<std::mutex>> node_mutex;
  std::atomic<bool> fail_fast{false};
  std::string first_failure;
  mutable std::mutex state_mutex;
  std::vector<std::string> keys_used;     // protected from a concurrent GC
  std::vector<std::string> keys_to_touch;  // used but not written by this run
  std::filesystem::path scratch_root;
  Clock::time_point run_start = Clock::now();
  HandoffBudget handoff;

  Impl(const PipelineSpec& s, const Dag& d, std::vector<PreparedNode> n, Cache& c, ExecOptions o)
      : spec(s), dag(d), nodes(std::move(n)), cache(c), opt(std::move(o)), handoff(opt.handoff_bytes) {
    reports.resize(nodes.size());
    outputs.resize(nodes.size());
    reran.assign(nodes.size(), 0);
    held_back.assign(nodes.size(), 0);
    cli_selection = PartitionSelection(opt.partition_filters);
    for (std::size_t i = 0; i < nodes.size(); ++i) node_mutex.push_back(std::make_unique<std::mutex>());
    scratch_root = cache.dir() / "tmp" / ("run-" + opt.run_id);
  }

  const std::string& id(std::size_t v) const { return nodes[v].spec->id; }
  const StageDescriptor& desc(std::size_t v) const { return nodes[v].stage->descriptor; }

  // The hooks of a partitioned output port of node v (inputs `ins`, entry `node_key`) for a
  // partition whose object turns out missing or corrupt: recompute it from the inputs, or, where that
  // cannot be done, forget the node's entry so that the next run decides its partitions again.
  void set_partition_hooks(PortData& pd, std::size_t v, const std::vector<std::shared_ptr<PortData>>& ins,
                           const std::string& port, const std::string& node_key) {
    pd.repair_part = [this, v, ins, port](const Table& manifest, std::size_t part) {
      return repair_partition(v, ins, port, manifest, part);
    };
    pd.forget_producer = [this, node_key] { cache.index().forget(node_key); };
  }

  // Recomputes partition `part` (a row of `manifest`) of foreach node v from its inputs and stores its
  // outputs again. Returns output `port`, or nullptr when it cannot be rebuilt here: a sink (a repair
  // must not repeat its side effects), or a result that differs from the one stored (the stage is not
  // deterministic, and consumers were keyed by the stored one).
  ValuePtr repair_partition(std::size_t v, const std::vector<std::shared_ptr<PortData>>& ins, const std::string& port,
                            const Table& manifest, std::size_t part) {
    if (is_sink(desc(v))) return nullptr;
    std::lock_guard lock(*node_mutex[v]);
    const auto& keys = nodes[v].spec->foreach;
    const std::string key = partition_key(manifest, keys, part);
    log::warn("[" + id(v) + "] recomputing partition " + key + ": its cached output `" + port + "` is missing or corrupt");
    return isolated([&]() -> ValuePtr {
      const ValuePtr rows = partition_of(*ins.front(), keys, key);
      if (!rows) return nullptr;
      const auto co = co_partitioned_inputs(ins, keys, cache);
      std::vector<ValuePtr> broadcast(ins.size());
      for (std::size_t i = 1; i < ins.size(); ++i)
        if (!co[i]) broadcast[i] = materialize(*ins[i], cache);
      const Table partition_keys = key_row(manifest, part, keys);
      Outputs out = run_partition(v, rows, key, co, broadcast,
                                  {.label = id(v) + "[" + key + "]", .partition_keys = &partition_keys});
      const auto stored = store_outputs(out);
      const auto it = stored.find(port);
      if (it == stored.end() || it->second.hash != Hash128::from_hex(manifest.column("__object").string_at(part)))
        return nullptr;
      return std::make_shared<const Value>(std::move(out.values().at(port)));
    });
  }

  // The rows of partition `key` of a foreach node's first input: its partition when the input is
  // partitioned by the same keys, else its rows of that key; nullptr when it has none.
  ValuePtr partition_of(PortData& input, const std::vector<std::string>& keys, const std::string& key) {
    if (input.partitioned && input.foreach == keys) {
      const auto upstream = manifest_of(input, cache);
      for (std::size_t r = 0; r < upstream->num_rows(); ++r)
        if (partition_key(*upstream, keys, r) == key) return partition_value(input, cache, r);
      return nullptr;
    }
    for (auto& p : split_by_keys(std::get<Table>(*materialize(input, cache)), keys))
      if (p.key == key) return std::make_shared<const Value>(std::move(p.rows));
    return nullptr;
  }

  // An output port of node v, whose loaded values are kept in memory within the run's budget.
  std::shared_ptr<PortData> new_port(std::size_t v) {
    auto pd = std::make_shared<PortData>();
    pd->producer = id(v);
    pd->handoff = &handoff;
    return pd;
  }

  bool cancelled() const { return fail_fast.load() || (opt.cancel && opt.cancel->load()); }

  // `recorded_now`: the entry was written by this run, so its last use is already now.
  void use_key(const std::string& key, bool recorded_now = false) {
    std::lock_guard lock(state_mutex);
    keys_used.push_back(key);
    if (!recorded_now) keys_to_touch.push_back(key);
  }

  std::string run_info_json() const {
    nlohmann::json j;
    j["pipeline"] = spec.name;
    j["run_id"] = opt.run_id;
    j["started_at"] = opt.run_id.substr(0, std::min<std::size_t>(opt.run_id.size(), 15));
    j["nodes"] = nlohmann::json::array();
    std::lock_guard lock(state_mutex);
    for (std::size_t v = 0; v < nodes.size(); ++v) {
      const auto& r = reports[v];
      if (r.status.empty() || r.status == "running") continue;
      j["nodes"].push_back({{"id", r.id}, {"plugin", r.plugin}, {"status", r.status}, {"reason", r.reason}, {"wall_ms", r.wall_ms}});
    }
    return j.dump();
  }

  // What one stage invocation runs for: the node itself, or one of its partitions.
  struct Invocation {
    std::string label;                               // "forecast" or "forecast[store_id=7]"
    const std::atomic<bool>* node_cancel = nullptr;  // a failing partition cancels its siblings through it
    bool report_progress = false;                    // a node's own progress (a partition's is counted instead)
    PartitionInfoLog* partition_info = nullptr;      // set: info messages are capped per node
    const Table* partition_keys = nullptr;           // a partition's key columns and values
  };

  // Runs foreach node v's stage on one partition: `rows` of its first input, the partition `key` of
  // each co-partitioned input, the other inputs whole (`broadcast`, by input index); the partition's
  // key columns are added to its output tables.
  Outputs run_partition(std::size_t v, const ValuePtr& rows, const std::string& key,
                        const std::vector<std::unique_ptr<CoPartitionedInput>>& co,
                        const std::vector<ValuePtr>& broadcast, const Invocation& call) {
    const auto& bindings = nodes[v].resolved.bindings;
    Inputs inputs;
    inputs.bind(bindings.front().port, rows);
    for (std::size_t i = 1; i < bindings.size(); ++i)
      inputs.bind(bindings[i].port, co[i] ? co[i]->value_for(key) : broadcast[i]);
    auto stage = create_stage(v);
    Outputs out = invoke(v, *stage, inputs, call);
    for (auto& [port, value] : out.values())
      if (auto* t = std::get_if<Table>(&value))
        *t = with_key_columns(std::move(*t), std::get<Table>(*rows), nodes[v].spec->foreach);
    return out;
  }

  StageContext::Setup context_setup(std::size_t v, const Invocation& call) {
    StageContext::Setup s;
    s.node_label = call.label;
    s.node_index = v;
    s.pipeline_dir = &spec.dir;
    s.scratch_root = &scratch_root;
    s.run_cancel = opt.cancel;
    s.node_cancel = call.node_cancel;
    if (nodes[v].spec->timeout.count() > 0) s.deadline = Clock::now() + nodes[v].spec->timeout;
    s.progress = opt.progress;
    s.report_progress = call.report_progress;
    s.partition_info = call.partition_info;
    s.run_info = [this] { return run_info_json(); };
    s.partition_keys = call.partition_keys;
    return s;
  }

  std::unique_ptr<Stage> create_stage(std::size_t v) {
    try {
      return nodes[v].stage->factory(nodes[v].resolved.params);
    } catch (const ParamError& e) {
      // Only a factory that accepted its parameters at validation gets here; the message is the same.
      throw NodeFailure(param_problem(*nodes[v].spec, e, SourceLoc{}).str());
    } catch (const std::exception& e) {
      throw NodeFailure(std::string("could not create the stage: ") + e.what());
    }
  }

  KeyParts base_parts(std::size_t v) const {
    KeyParts p;
    p.stage_id = desc(v).id;
    p.stage_version = desc(v).version;
    p.plugin_hash = nodes[v].plugin_hash;
    p.params = nodes[v].resolved.params.canonical();
    return p;
  }

  // Runs a stage once with retries; returns its outputs. Throws NodeFailure / Cancelled.
  Outputs invoke(std::size_t v, Stage& stage, const Inputs& inputs, const Invocation& call) {
    const unsigned attempts = nodes[v].spec->retries + 1;
    for (unsigned attempt = 1;; ++attempt) {
      StageContext ctx(context_setup(v, call));
      try {
        Outputs out;
        if (nodes[v].spec->isolate || opt.isolate_all) {
          // A crash (SIGSEGV, abort) then fails this node instead of the whole run.
          out = run_isolated({nodes[v].stage->plugin_path, desc(v).id}, nodes[v].resolved.params, inputs, ctx,
                             ctx.scratch_dir());
        } else {
          stage.run(ctx, inputs, out);
        }
        check_outputs(v, out);
        return out;
      } catch (const Cancelled&) {
        if (ctx.timed_out()) {
          throw NodeFailure("timed out after " + format_duration_ms(static_cast<double>(nodes[v].spec->timeout.count())) +
                            " (timeout = " + std::to_string(nodes[v].spec->timeout.count() / 1000) + "s)");
        }
        throw;
      } catch (const std::exception& e) {
        if (ctx.cancelled()) throw Cancelled();
        if (attempt >= attempts) {
          throw NodeFailure(std::string(e.what()) +
                            (attempts > 1 ? " (after " + std::to_string(attempts) + " attempts)" : ""));
        }
        const auto backoff = std::chrono::milliseconds(std::min<long long>(30'000, 200LL << (attempt - 1)));
        log::warn("[" + call.label + "] attempt " + std::to_string(attempt) + " of " + std::to_string(attempts) +
                  " failed: " + e.what() + "; retrying in " + format_duration_ms(static_cast<double>(backoff.count())));
        const auto until = Clock::now() + backoff;
        while (Clock::now() < until) {
          if (cancelled()) throw Cancelled();
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      } catch (...) {
        throw NodeFailure("the stage threw a non-standard exception");
      }
    }
  }

  void check_outputs(std::size_t v, const Outputs& out) const {
    for (const auto& [port, value] : out.values()) {
      const PortSpec* ps = nullptr;
      for (const auto& p : desc(v).outputs)
        if (p.name == port) ps = &p;
      if (ps == nullptr) throw NodeFailure("the stage produced an undeclared output port '" + port + "'");
      const bool is_table = std::holds_alternative<Table>(value);
      if (is_table != (ps->type == PortType::Table)) {
        throw NodeFailure("output port '" + port + "' must be a " + std::string(to_string(ps->type)));
      }
    }
    for (const auto& p : desc(v).outputs) {
      if (!p.optional && !out.has(p.name)) throw NodeFailure("the stage did not produce its output port '" + p.name + "'");
    }
  }

  // Stores outputs (durably unless the caller group-commits); returns port -> (hash, size).
  std::map<std::string, Cache::Stored> store_outputs(const Outputs& out, Cache::Durability when = Cache::Durability::Now) {
    std::map<std::string, Cache::Stored> stored;
    for (const auto& [port, value] : out.values()) stored[port] = cache.store(value, when);
    return stored;
  }

  // What the index already said about a partition (looked up for all partitions at once).
  struct Known {
    const ActionEntry* entry = nullptr;  // nullptr: no entry for the key
    const NodeState* state = nullptr;    // nullptr: the partition was never computed
  };

  Decision decide(std::size_t v, const std::string& key, const KeyParts& parts, Stage* stage, const std::string& partition,
                  bool has_fingerprint, const Known* known = nullptr) {
    Decision d;
    const NodeSpec& ns = *nodes[v].spec;
    if (opt.forced[v]) return {true, "forced (--force)", std::nullopt};
    if (ns.always_run) return {true, "always_run = true", std::nullopt};
    if (nodes[v].resolved.bindings.empty() && !has_fingerprint) {
      return {true, "source without fingerprint: always runs (early cutoff protects downstream)", std::nullopt};
    }
    if (known == nullptr) d.entry = cache.index().lookup(key);
    else if (known->entry != nullptr) d.entry = *known->entry;
    if (!d.entry) {
      d.run = true;
      d.reason = known == nullptr ? explain_change(cache.index().node_state(spec.name, ns.id, partition), parts)
                                  : explain_change(known->state ? std::optional(*known->state) : std::nullopt, parts);
      return d;
    }
    if (!d.entry->outputs_inline) {
      for (const auto& [port, hash] : d.entry->outputs)
        if (!cache.contains(hash)) return {true, "cache object for output `" + port + "` is missing", std::nullopt};
    }
    if (is_sink(desc(v)) && stage != nullptr) {
      StageContext ctx(context_setup(v, {ns.id}));
      bool ok = false;
      try {
        ok = stage->verify(ctx, d.entry->receipt);
      } catch (const std::exception& e) {
        log::warn("[" + ns.id + "] verify failed: " + e.what());
      }
      if (!ok) return {true, "sink target missing or changed", std::nullopt};
    }
    d.reason = "cache hit";
    for (const auto& b : nodes[v].resolved.bindings) {
      if (reran[b.upstream]) {
        d.reason = "input `" + id(b.upstream) + "` reran with identical output (early cutoff)";
        break;
      }
    }
    return d;
  }

  void remember_state(std::size_t v, const std::string& partition, const std::string& key, const KeyParts& parts) {
    if (opt.dry_run) return;
    const auto prev = cache.index().node_state(spec.name, id(v), partition);
    remember_state(v, partition, key, parts, prev ? &*prev : nullptr);
  }
  // The same, when the previous state is already known (read for all partitions at once).
  void remember_state(std::size_t v, const std::string& partition, const std::string& key, const KeyParts& parts,
                      const NodeState* prev) {
    if (!opt.dry_run && (prev == nullptr || prev->key != key))
      cache.index().set_node_state(spec.name, id(v), partition, state_of(key, parts));
  }

  // What a node's processing decided. It stays private to the node's task until process()
  // publishes it under state_mutex: run_info_json() reads every report from other threads.
  struct Outcome {
    std::string status, reason;
    std::optional<PartitionCounts> partitions;
  };

  // ---------------------------------------------------------------- plain node
  void process_plain(std::size_t v, const std::vector<std::shared_ptr<PortData>>& ins, Outcome& rep) {
    auto stage = create_stage(v);
    KeyParts parts = base_parts(v);
    for (std::size_t i = 0; i < ins.size(); ++i) {
      const auto& b = nodes[v].resolved.bindings[i];
      parts.inputs += b.port + ":" + id(b.upstream) + "=" + ins[i]->hash.hex() + ";";
    }
    std::optional<std::string> fp;
    {
      StageContext ctx(context_setup(v, {id(v)}));
      try {
        fp = stage->fingerprint(ctx);
      } catch (const std::exception& e) {
        throw NodeFailure(std::string("fingerprint failed: ") + e.what());
      }
    }
    if (fp) parts.fingerprint = *fp;
    const std::string key = compute_key(parts);
    Decision d = decide(v, key, parts, stage.get(), "", fp.has_value());
    rep.reason = d.reason;

    if (!d.run) {
      rep.status = "cached";
      use_key(key);
      remember_state(v, "", key, parts);
      for (const auto& [port, hash] : d.entry->outputs) {
        auto pd = new_port(v);
        pd->hash = hash;
        pd->repair_whole = [this, v, port = port] { return repair(v, port); };
        outputs[v][port] = pd;
      }
      return;
    }
    if (opt.dry_run) {
      rep.status = "run";
      for (const auto& p : desc(v).outputs) {
        auto pd = new_port(v);
        pd->known = false;
        outputs[v][p.name] = pd;
      }
      return;
    }
    Inputs inputs = bind_inputs(v, ins);
    const auto t0 = Clock::now();
    Outputs out = invoke(v, *stage, inputs, {.label = id(v), .report_progress = true});
    // Hashing, compressing and syncing a large output takes a while after the stage's own 100 %.
    if (opt.progress) opt.progress->node_phase(v, "storing the output in the cache");
    auto stored = store_outputs(out);
    ActionEntry entry;
    entry.receipt = out.receipt();
    std::vector<std::pair<Hash128, std::uint64_t>> refs;
    for (auto& [port, s] : stored) {
      entry.outputs[port] = s.hash;
      refs.emplace_back(s.hash, s.size);
      auto pd = new_port(v);
      pd->hash = s.hash;
      Value& value = out.values().at(port);
      if (keep_in_memory(handoff, value)) pd->value = std::make_shared<const Value>(std::move(value));
      else pd->repair_whole = [this, v, port = port] { return repair(v, port); };
      outputs[v][port] = pd;
    }
    cache.index().record(key, entry, refs, spec.name, id(v), "", opt.run_id, ms_since(t0));
    use_key(key, /*recorded_now=*/true);
    remember_state(v, "", key, parts);
    reran[v] = 1;
    rep.status = "ran";
  }

  Inputs bind_inputs(std::size_t v, const std::vector<std::shared_ptr<PortData>>& ins) {
    Inputs inputs;
    for (std::size_t i = 0; i < ins.size(); ++i) inputs.bind(nodes[v].resolved.bindings[i].port, materialize(*ins[i], cache));
    return inputs;
  }

  // Recomputes a cached node whose object turned out missing or corrupt.
  ValuePtr repair(std::size_t v, const std::string& port) {
    std::lock_guard lock(*node_mutex[v]);
    log::warn("[" + id(v) + "] recomputing: its cached output `" + port + "` is missing or corrupt");
    return isolated([&] {
      std::vector<std::shared_ptr<PortData>> ins;
      for (const auto& b : nodes[v].resolved.bindings) ins.push_back(outputs[b.upstream].at(b.upstream_port));
      auto stage = create_stage(v);
      Outputs out = invoke(v, *stage, bind_inputs(v, ins), {id(v)});
      store_outputs(out);
      return std::make_shared<const Value>(std::move(out.values().at(port)));
    });
  }

  // Runs a repair while its node's lock is held. Isolated: a thread waiting inside the stage takes
  // none of the other tasks, one of which may need the same repair (and the same lock).
  template <typename Fn>
  static ValuePtr isolated(Fn&& fn) {
    ValuePtr result;
    tbb::this_task_arena::isolate([&] { result = fn(); });
    return result;
  }

  // ---------------------------------------------------------- partitioned node
  struct PartWork {
    std::string key;
    Hash128 input_hash;
    std::shared_ptr<const Value> rows;  // when split in memory
    std::size_t manifest_row = 0;       // when taken from an upstream manifest
    const Table* key_source = nullptr;
    // results
    std::map<std::string, Cache::Stored> stored;
    std::map<std::string, ValuePtr> values;
    std::string action_key;
    KeyParts parts;
    std::string run_reason;  // why it is not cached
    bool cached = false, failed = false;
    std::string error;
    Known known;  // its last entry and state, when the index has them
    // A computed partition waiting for its batch's group commit.
    std::optional<CacheIndex::Record> pending;
  };

  // Why a node did not run after the run was cancelled: a failure under fail-fast names the node that failed.
  std::string cancel_reason() const {
    return fail_fast.load() ? "cancelled after `" + first_failure + "` failed (fail-fast; use --keep-going)" : "cancelled";
  }

  // Whether node v's output leaves partitions out (its own selection, or an input that does), and
  // whether --partition is among the reasons.
  struct Restriction {
    bool partial = false, by_cli = false;
  };
  Restriction restriction_of(std::size_t v, const std::vector<std::shared_ptr<PortData>>& ins) const {
    const NodeSpec& ns = *nodes[v].spec;
    Restriction r;
    r.by_cli = !ns.foreach.empty() && cli_selection.applies_to(ns.foreach);
    r.partial = r.by_cli || (!ns.foreach.empty() && !ns.partitions.empty());
    for (const auto& in : ins) {
      r.partial = r.partial || in->partial;
      r.by_cli = r.by_cli || in->restricted_by_cli;
    }
    return r;
  }

  // The input that holds node v back: one restricted with --partition that v would read whole (v is
  // not a foreach node over the same keys), so that running v would write a result for some
  // partitions only, over the result for all of them. Empty when none does.
  std::string holding_input(std::size_t v, const std::vector<std::shared_ptr<PortData>>& ins) const {
    const auto& keys = nodes[v].spec->foreach;
    for (std::size_t i = 0; i < ins.size(); ++i) {
      const PortData& in = *ins[i];
      if (in.restricted_by_cli && !(in.partitioned && !keys.empty() && in.foreach == keys))
        return id(nodes[v].resolved.bindings[i].upstream);
    }
    return {};
  }

  void process_partitioned(std::size_t v, const std::vector<std::shared_ptr<PortData>>& ins, Outcome& rep) {
    const NodeSpec& ns = *nodes[v].spec;
    const auto& keys = ns.foreach;
    auto stage = create_stage(v);
    const PartitionSelection own_selection(ns.partitions);
    auto selected = [&](const std::string& key) { return own_selection.selects(key) && cli_selection.selects(key); };
    std::vector<std::string> filters = own_selection.texts_for(keys);
    for (auto& f : cli_selection.texts_for(keys)) filters.push_back(std::move(f));
    // Partitions left out here or upstream: the partitions this node does not see are not retired.
    const bool partial = restriction_of(v, ins).partial;

    KeyParts node_parts = base_parts(v);
    for (std::size_t i = 0; i < ins.size(); ++i) {
      const auto& b = nodes[v].resolved.bindings[i];
      node_parts.inputs += b.port + ":" + id(b.upstream) + "=" + ins[i]->hash.hex() + ";";
    }
    node_parts.scope = "foreach=" + nlohmann::json(keys).dump() + ";filter=" + nlohmann::json(filters).dump();
    const std::string node_key = compute_key(node_parts);

    // Node-level hit: every partition unchanged, nothing to split or load.
    Decision d;
    if (opt.forced[v]) d = {true, "forced (--force)", std::nullopt};
    else if (ns.always_run) d = {true, "always_run = true", std::nullopt};
    else if (is_sink(desc(v))) d = {true, "", std::nullopt};  // sinks verify per partition
    else d = decide(v, node_key, node_parts, nullptr, "", true);
    if (!d.run) {
      rep.status = "cached";
      rep.reason = d.reason;
      use_key(node_key);
      remember_state(v, "", node_key, node_parts);
      const ForeachReceipt recorded = decode_foreach_receipt(d.entry->receipt);
      PartitionCounts counts;
      counts.total = counts.cached = recorded.partitions;
      rep.partitions = counts;
      // The run that recorded this entry warned that the filter selects nothing (below); so does this one.
      if (recorded.unmatched)
        log::warn(unmatched_filter_warning(id(v), joined_filters(filters), *recorded.unmatched) +
                  " (its input is unchanged since the run that found this)");
      publish_manifests(v, ins, node_key, *d.entry);
      return;
    }
    // A sink is decided per partition only: with its node-level key unchanged, what reruns is a
    // partition whose receipt no longer holds (or whose entry was evicted), and that partition says why.
    const auto node_state = cache.index().node_state(spec.name, ns.id, "");
    const bool node_key_unchanged = d.reason.empty() && node_state && node_state->key == node_key;
    const std::string node_reason = d.reason.empty() ? explain_change(node_state, node_parts) : d.reason;

    // Partitions of the primary input: reuse an upstream partitioning by the same keys.
    std::vector<PartWork> work;
    std::size_t candidates = 0;  // partitions before the selection
    std::string first_candidate, last_candidate;  // their keys, in key order: what a filter could have named
    std::shared_ptr<const Table> upstream_manifest;
    // The primary input arrives split by these keys already (an upstream foreach over them), or whole.
    PortData& primary = *ins.front();
    if (primary.partitioned && primary.foreach == keys) {
      upstream_manifest = manifest_of(primary, cache);
      const auto hashes = manifest_hashes(*upstream_manifest);
      const auto part_keys = manifest_keys(*upstream_manifest, keys);
      candidates = hashes.size();
      if (!part_keys.empty()) {
        first_candidate = part_keys.front();
        last_candidate = part_keys.back();
      }
      work.reserve(hashes.size());  // a PartWork is large: growing the vector would move each one several times
      for (std::size_t i = 0; i < hashes.size(); ++i) {
        if (!selected(part_keys[i])) continue;
        PartWork w;
        w.key = part_keys[i];
        w.input_hash = hashes[i];
        w.manifest_row = i;
        work.push_back(std::move(w));
      }
    } else {
      ValuePtr whole = materialize(primary, cache);
      const auto* table = std::get_if<Table>(whole.get());
      if (table == nullptr) throw NodeFailure("foreach needs a table on its first input");
      std::vector<Partition> parts;
      try {
        parts = split_by_keys(*table, keys);
      } catch (const std::exception& e) {
        throw NodeFailure(ns.foreach_loc.str() + ": foreach: " + e.what());
      }
      candidates = parts.size();
      if (!parts.empty()) {
        first_candidate = parts.front().key;
        last_candidate = parts.back().key;
      }
      work.reserve(parts.size());
      for (auto& p : parts) {
        if (!selected(p.key)) continue;
        PartWork w;
        w.key = p.key;
        w.rows = std::make_shared<const Value>(std::move(p.rows));  // hashed below, in parallel
        work.push_back(std::move(w));
      }
    }
    if (opt.progress && !opt.dry_run) opt.progress->node_started(v, work.size(), "partitions");
    std::optional<UnmatchedFilter> unmatched;
    if (work.empty() && candidates > 0) {
      unmatched = UnmatchedFilter{candidates, first_candidate, last_candidate};
      log::warn(unmatched_filter_warning(id(v), joined_filters(filters), *unmatched));
    }

    // Other inputs partitioned by the same keys are co-partitioned: each partition gets their
    // partition of the same key (so it depends on that partition only); the rest are broadcast.
    const auto co = co_partitioned_inputs(ins, keys, cache);
    std::string broadcast;
    for (std::size_t i = 1; i < ins.size(); ++i) {
      if (co[i]) continue;
      const auto& b = nodes[v].resolved.bindings[i];
      broadcast += b.port + ":" + id(b.upstream) + "=" + ins[i]->hash.hex() + ";";
    }
    std::vector<ValuePtr> broadcast_values(ins.size());
    std::once_flag broadcast_once;
    PartitionInfoLog partition_info;
    std::atomic<bool> node_cancel{false};
    const auto& bindings = nodes[v].resolved.bindings;

    // Every partition's key first, then one pass over the index for their entries and last states,
    // so the parallel loop below reads the index only to confirm a hit's objects exist.
    const KeyParts part_base = base_parts(v);
    const std::string input_prefix = bindings.front().port + ":" + id(bindings.front().upstream) + "=";
    tbb::parallel_for(std::size_t{0}, work.size(), [&](std::size_t i) {
      PartWork& w = work[i];
      if (w.rows) w.input_hash = hash_value(*w.rows);
      w.parts = part_base;
      w.parts.inputs = input_prefix + w.input_hash.hex() + ";";
      for (std::size_t c = 1; c < ins.size(); ++c) {
        if (!co[c]) continue;
        w.parts.inputs += bindings[c].port + ":" + id(bindings[c].upstream) + "[]=" + co[c]->hash_text(w.key) + ";";
      }
      w.parts.inputs += broadcast;
      w.parts.scope = "partition=" + w.key;
      w.action_key = compute_key(w.parts);
    });
    std::vector<std::string> action_keys;
    action_keys.reserve(work.size());
    for (const auto& w : work) action_keys.push_back(w.action_key);
    const auto known_entries = cache.index().lookup_many(action_keys);
    const auto known_states = cache.index().node_states(spec.name, ns.id);
    if (opt.dry_run) {
      plan_partitions(v, ins, work, known_entries, known_states, !partial, node_key, node_reason, node_key_unchanged,
                      rep);
      return;
    }
    // Before any partition runs, so that one writing a retired partition's target again comes after.
    const std::size_t vanished = partial ? 0 : retire_vanished(v, *stage, work, known_states);

    // A partition that did not finish because the run or its node was cancelled: counted apart from failures.
    auto cancel_partition = [](PartWork& w) {
      w.failed = true;
      w.error = "cancelled";
    };
    auto stopping = [&] { return cancelled() || node_cancel.load(); };
    auto fail_partition = [&](PartWork& w, const std::exception& e) {
      w.failed = true;
      w.error = e.what();
      if (!opt.keep_going) node_cancel = true;
      if (opt.progress) opt.progress->item_done(v, false);
    };
    // Decided apart from computing, so that the partitions to compute are shared out among the
    // threads by themselves: the 10 changed stores of 1,000 would otherwise often sit in one
    // thread's range and run one after another.
    auto decide_partition = [&](PartWork& w) {
      if (stopping()) return cancel_partition(w);
      if (auto it = known_entries.find(w.action_key); it != known_entries.end()) w.known.entry = &it->second;
      if (auto it = known_states.find(w.key); it != known_states.end()) w.known.state = &it->second;
      try {
        // Only a sink's decision needs its stage (to verify the receipt).
        const auto sink_stage = is_sink(desc(v)) ? create_stage(v) : nullptr;
        Decision pd = decide(v, w.action_key, w.parts, sink_stage.get(), w.key, true, &w.known);
        w.run_reason = pd.reason;
        if (!pd.run && !opt.forced[v] && !ns.always_run) {
          w.cached = true;
          for (const auto& [port, hash] : pd.entry->outputs) w.stored[port] = Cache::Stored{hash, 0, {}};
          remember_state(v, w.key, w.action_key, w.parts, w.known.state);
          if (opt.progress) opt.progress->item_done(v, true);
        }
      } catch (const Cancelled&) {
        cancel_partition(w);
      } catch (const std::exception& e) {
        fail_partition(w, e);
      }
    };

    auto compute_partition = [&](PartWork& w) {
      if (stopping()) return cancel_partition(w);
      const KeyParts& pp = w.parts;
      try {
        const auto t0 = Clock::now();
        ValuePtr rows = w.rows ? w.rows : partition_value(primary, cache, w.manifest_row);
        std::call_once(broadcast_once, [&] {
          for (std::size_t i = 1; i < ins.size(); ++i)
            if (!co[i]) broadcast_values[i] = materialize(*ins[i], cache);
        });
        // From the upstream manifest when there is one: a partition of an upstream foreach node may
        // have no rows, and then its key values are nowhere else.
        const Table partition_keys = upstream_manifest ? key_row(*upstream_manifest, w.manifest_row, keys)
                                                       : key_row(std::get<Table>(*rows), 0, keys);
        Outputs out = run_partition(v, rows, w.key, co, broadcast_values,
                                    {.label = id(v) + "[" + w.key + "]",
                                     .node_cancel = &node_cancel,
                                     .partition_info = &partition_info,
                                     .partition_keys = &partition_keys});
        // Not fsynced one by one: the batch is synced once, then recorded (see commit_batch).
        w.stored = store_outputs(out, Cache::Durability::Batch);
        CacheIndex::Record rec{w.action_key, {}, {}, spec.name, id(v), w.key, opt.run_id, ms_since(t0), std::nullopt, {}, {}};
        rec.replaces = w.known.entry != nullptr;
        rec.entry.receipt = out.receipt();
        for (auto& [port, s] : w.stored) {
          rec.entry.outputs[port] = s.hash;
          rec.refs.emplace_back(s.hash, s.size);
          if (!s.pending_inline.empty()) rec.inline_objects.emplace_back(s.hash, std::move(s.pending_inline));
          Value& value = out.values().at(port);
          if (keep_in_memory(handoff, value)) w.values[port] = std::make_shared<const Value>(std::move(value));
        }
        // The node's state (written when the node finishes) holds what every partition shares.
        rec.state = NodeState{w.action_key, {}, {}, {}, pp.inputs, pp.fingerprint};
        w.pending = std::move(rec);
        if (opt.progress) opt.progress->item_done(v, false);
      } catch (const Cancelled&) {
        cancel_partition(w);
      } catch (const std::exception& e) {
        fail_partition(w, e);
      }
    };

    const std::size_t jobs = opt.jobs == 0 ? default_jobs() : opt.jobs;
    // Finished partitions are recorded in groups, whatever the scheduling: a durable commit per
    // group of kCommitGroup, or of whatever finished within kCommitInterval (so a long node loses
    // little to a crash or Ctrl-C), instead of one per scheduling task.
    GroupCommit committer([&](std::vector<std::size_t>&& items) { commit_batch(work, items); }, kCommitGroup,
                          kCommitInterval);
    std::vector<std::size_t> to_compute;  // indices into `work`, in key order
    auto body = [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t n = r.begin(); n != r.end(); ++n) {
        const std::size_t i = to_compute[n];
        compute_partition(work[i]);
        if (work[i].pending) committer.add(i);
      }
    };
    auto run_all = [&] {
      tbb::parallel_for(std::size_t{0}, work.size(), [&](std::size_t i) { decide_partition(work[i]); });
      for (std::size_t i = 0; i < work.size(); ++i)
        if (!work[i].cached && !work[i].failed) to_compute.push_back(i);
      if (ns.batch_size) {
        // An explicit batch_size: tasks of exactly that many partitions (joblib's batch_size), the last
        // one the rest. A grain size would not do: TBB halves a range until it is at most the grain.
        const std::size_t size = *ns.batch_size;
        const std::size_t batches = (to_compute.size() + size - 1) / size;
        tbb::parallel_for(
            std::size_t{0}, batches,
            [&](std::size_t b) {
              body(tbb::blocked_range<std::size_t>(b * size, std::min(to_compute.size(), (b + 1) * size)));
            },
            tbb::simple_partitioner());
      } else {
        // auto: TBB splits the range on demand, so the last partitions are shared out too.
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, to_compute.size()), body, tbb::auto_partitioner());
      }
      committer.flush();
    };
    if (ns.max_parallel > 0 && ns.max_parallel < jobs) {
      tbb::task_arena limited(static_cast<int>(ns.max_parallel));
      limited.execute(run_all);
    } else {
      run_all();
    }

    if (const auto summary = partition_info.summary(id(v))) log::info(*summary);
    PartitionCounts counts;
    counts.total = work.size();
    std::vector<std::string> failures;
    bool any_cancelled = false;
    for (const auto& w : work) {
      if (w.failed && w.error == "cancelled") any_cancelled = true;
      else if (w.failed) failures.push_back("partition " + w.key + ": " + w.error);
      else if (w.cached) ++counts.cached;
      else ++counts.ran;
    }
    counts.failed = failures.size();
    counts.retired = vanished;
    rep.partitions = counts;
    if (!failures.empty()) {
      std::string msg = failures.front();
      if (failures.size() > 1) msg += " (and " + std::to_string(failures.size() - 1) + " more failed partitions)";
      throw NodeFailure(msg);
    }
    if (any_cancelled) throw Cancelled();

    // Manifests: one per output port, rows in key order.
    std::vector<const Table*> key_sources;
    std::vector<std::shared_ptr<const Value>> loaded_keys;
    for (auto& w : work) {
      if (w.rows) {
        key_sources.push_back(&std::get<Table>(*w.rows));
      } else {
        Table one = upstream_manifest->empty_like();
        one.append_row(*upstream_manifest, w.manifest_row);
        loaded_keys.push_back(std::make_shared<const Value>(std::move(one)));
        key_sources.push_back(&std::get<Table>(*loaded_keys.back()));
      }
    }
    // The node's entry owns its manifests and keeps every partition's objects alive; those are
    // already recorded by the partitions' own entries, so they are refs only.
    CacheIndex::Record node_record{node_key, {}, {}, spec.name, id(v), "", opt.run_id, 0, std::nullopt, {}, {}};
    node_record.entry.receipt = encode_foreach_receipt({work.size(), unmatched});
    for (const auto& p : desc(v).outputs) {
      std::vector<Hash128> hashes;
      for (const auto& w : work) {
        auto it = w.stored.find(p.name);
        if (it == w.stored.end()) throw NodeFailure("a partition produced no output `" + p.name + "`");
        hashes.push_back(it->second.hash);
      }
      node_record.shared_refs.insert(node_record.shared_refs.end(), hashes.begin(), hashes.end());
      Table manifest = make_manifest(key_sources, keys, hashes);
      // Committed with the node's entry below, like a partition's result (one transaction, not two).
      auto stored = cache.store(Value(manifest), Cache::Durability::WithEntry, cache.manifest_inline_limit());
      if (!stored.pending_inline.empty()) node_record.inline_objects.emplace_back(stored.hash, std::move(stored.pending_inline));
      node_record.refs.emplace_back(stored.hash, stored.size);
      node_record.entry.outputs[p.name] = stored.hash;
      auto pd = new_port(v);
      pd->hash = stored.hash;
      pd->partitioned = true;
      set_partition_hooks(*pd, v, ins, p.name, node_key);
      pd->foreach = keys;
      pd->manifest = std::make_shared<const Table>(std::move(manifest));
      pd->parts.resize(work.size());
      for (std::size_t i = 0; i < work.size(); ++i) {
        auto it = work[i].values.find(p.name);
        if (it != work[i].values.end()) pd->parts[i] = it->second;
      }
      outputs[v][p.name] = pd;
    }
    for (const auto& w : work) use_key(w.action_key, /*recorded_now=*/!w.cached);
    // A sink whose partitions all verified as cached has the entry it recorded last time: writing it
    // again would replace its 1,000 references with the same ones on every no-op rerun.
    const bool entry_unchanged = counts.ran == 0 && vanished == 0 && node_key_unchanged && [&] {
      const auto recorded = cache.index().lookup(node_key);
      return recorded && recorded->outputs == node_record.entry.outputs && recorded->receipt == node_record.entry.receipt;
    }();
    if (!entry_unchanged) {
      node_record.state = state_of(node_key, node_parts);
      cache.index().record_many({std::move(node_record)});
    }
    use_key(node_key, /*recorded_now=*/!entry_unchanged);
    // No partitions at all is a computation (of an empty result), unless the node recorded that same
    // empty result last time (a sink, decided per partition, gets here on every run).
    const bool empty_again = counts.total == 0 && entry_unchanged;
    rep.status = counts.ran > 0 || (counts.total == 0 && !empty_again) ? "ran" : "cached";
    reran[v] = rep.status == "ran" ? 1 : 0;
    rep.reason = empty_again ? kNoPartitionsAgain
                             : partitioned_reason(rerun_reason(node_reason, node_key_unchanged, work), counts);
    if (vanished > 0) {
      rep.status = "ran";  // the output lost the vanished partitions
      reran[v] = 1;
      rep.reason += vanished_reason(v, vanished, "retired");
    }
  }

  // Partitions recorded for node v that are not in `work` (a store removed from the source): a
  // sink's retire() gets each one's last receipt, in key order, then their states are forgotten.
  // If a retire fails, the node fails and every vanished partition is offered again next run.
  std::size_t retire_vanished(std::size_t v, Stage& stage, const std::vector<PartWork>& work,
                              const std::unordered_map<std::string, NodeState>& states) {
    const std::vector<std::string> vanished = vanished_partitions(work, states);
    if (vanished.empty()) return 0;
    if (is_sink(desc(v))) {
      StageContext ctx(context_setup(v, {id(v)}));
      for (const auto& partition : vanished) {
        const auto entry = cache.index().lookup(states.at(partition).key);
        if (!entry || entry->receipt.empty()) continue;  // evicted by gc: nothing left to undo with
        try {
          stage.retire(ctx, entry->receipt);
        } catch (const Cancelled&) {
          throw;
        } catch (const std::exception& e) {
          throw NodeFailure("partition " + partition + " is no longer in the input, and removing what it wrote failed: " +
                            e.what());
        }
      }
    }
    cache.index().remove_node_states(spec.name, id(v), vanished);
    return vanished.size();
  }

  // The partitions recorded for a node (`states`) that are not in `work`, in key order.
  static std::vector<std::string> vanished_partitions(const std::vector<PartWork>& work,
                                                      const std::unordered_map<std::string, NodeState>& states) {
    std::unordered_set<std::string_view> present;
    for (const auto& w : work) present.insert(w.key);
    std::vector<std::string> vanished;
    for (const auto& [partition, state] : states)
      if (!partition.empty() && !present.count(partition)) vanished.push_back(partition);
    std::sort(vanished.begin(), vanished.end());
    return vanished;
  }

  // The outputs of a partitioned node whose recorded entry stands: its manifests, by hash.
  void publish_manifests(std::size_t v, const std::vector<std::shared_ptr<PortData>>& ins,
                         const std::string& node_key, const ActionEntry& entry) {
    for (const auto& [port, hash] : entry.outputs) {
      auto pd = new_port(v);
      pd->hash = hash;
      pd->partitioned = true;
      set_partition_hooks(*pd, v, ins, port, node_key);
      pd->foreach = nodes[v].spec->foreach;
      pd->repair_whole = [this, v, port = port, node_key]() -> ValuePtr {
        // Its entry is forgotten, so that the next run decides the node's partitions again.
        cache.index().forget(node_key);
        throw Error("the partition manifest of node '" + id(v) + "' output `" + port +
                    "` is missing or corrupt; the next run recomputes it");
      };
      outputs[v][port] = pd;
    }
  }

  // `sluice plan` of a foreach node whose inputs are known: every partition decided as a run would
  // decide it (a sink's receipts verified, which only reads its target), and the partitions that
  // left the input counted; nothing is computed, retired or recorded.
  void plan_partitions(std::size_t v, const std::vector<std::shared_ptr<PortData>>& ins, std::vector<PartWork>& work,
                       const std::unordered_map<std::string, ActionEntry>& known_entries,
                       const std::unordered_map<std::string, NodeState>& known_states, bool unfiltered,
                       const std::string& node_key, const std::string& node_reason, bool node_key_unchanged,
                       Outcome& rep) {
    tbb::parallel_for(std::size_t{0}, work.size(), [&](std::size_t i) {
      PartWork& w = work[i];
      Known known;
      if (auto it = known_entries.find(w.action_key); it != known_entries.end()) known.entry = &it->second;
      if (auto it = known_states.find(w.key); it != known_states.end()) known.state = &it->second;
      const auto part_stage = create_stage(v);
      const Decision d = decide(v, w.action_key, w.parts, part_stage.get(), w.key, true, &known);
      w.cached = !d.run;
      w.run_reason = d.reason;
    });
    PartitionCounts counts;
    counts.total = work.size();
    counts.cached = static_cast<std::size_t>(std::count_if(work.begin(), work.end(), [](const PartWork& w) { return w.cached; }));
    counts.ran = counts.total - counts.cached;
    counts.retired = unfiltered ? vanished_partitions(work, known_states).size() : 0;
    rep.partitions = counts;
    // An input without partitions, as last time, is unchanged too (a sink's node key is unchanged then).
    const bool empty_again = counts.total == 0 && counts.retired == 0 && node_key_unchanged;
    rep.reason = empty_again ? kNoPartitionsAgain
                             : partitioned_reason(rerun_reason(node_reason, node_key_unchanged, work), counts, "to recompute");
    if (counts.retired > 0) rep.reason += vanished_reason(v, counts.retired, "to retire");
    // The status a run would report. Unchanged partitions give the manifests the node recorded last
    // time, when that entry is still there; otherwise what follows is planned as if they changed.
    const bool unchanged = counts.ran == 0 && counts.retired == 0 && (counts.total > 0 || empty_again);
    rep.status = unchanged ? "cached" : "run";
    if (const auto entry = unchanged ? cache.index().lookup(node_key) : std::nullopt) {
      publish_manifests(v, ins, node_key, *entry);
      return;
    }
    for (const auto& p : desc(v).outputs) {
      auto pd = new_port(v);
      pd->known = false;
      outputs[v][p.name] = pd;
    }
  }

  // "; 2 partitions are no longer in the input", and for a sink what happens to them (`sink_action`).
  std::string vanished_reason(std::size_t v, std::size_t vanished, const char* sink_action) const {
    return "; " + std::to_string(vanished) + (vanished == 1 ? " partition is" : " partitions are") +
           " no longer in the input" + (is_sink(desc(v)) ? std::string(" (") + sink_action + ")" : std::string());
  }

  // Why partitions rerun: the node's reason, or, when its key is unchanged (a sink), the reason of the
  // first partition (in key order) that is not cached.
  static std::string rerun_reason(const std::string& node_reason, bool node_key_unchanged,
                                  const std::vector<PartWork>& work) {
    if (!node_key_unchanged) return node_reason;
    for (const auto& w : work)
      if (!w.cached && !w.run_reason.empty()) return w.run_reason;
    return "partitions changed";
  }

  static constexpr const char* kNoPartitionsAgain = "cache hit: the input has no partitions, as last time";

  // "all 50 partitions cached", "the 1 partition cached", or "<why>; 3 of 50 partitions recomputed"
  // (`done`: what happens to the partitions that are not cached).
  static std::string partitioned_reason(const std::string& node_reason, const PartitionCounts& counts,
                                        const char* done = "recomputed") {
    if (counts.total == 0) return node_reason + "; the input has no partitions";
    const std::string total = std::to_string(counts.total);
    const std::string noun = counts.total == 1 ? " partition" : " partitions";
    if (counts.ran == 0) return (counts.total == 1 ? "the 1" : "all " + total) + noun + " cached";
    return node_reason + "; " + std::to_string(counts.ran) + " of " + total + noun + " " + done;
  }

  // Group commit: one transaction records the batch's entries with their small (inline) objects,
  // after one syncfs for any larger object files, instead of fsyncs and a transaction per
  // partition. A crash before the commit loses only the batch's entries (recomputed next run),
  // never their integrity.
  void commit_batch(std::vector<PartWork>& work, const std::vector<std::size_t>& items) {
    std::vector<CacheIndex::Record> records;
    for (std::size_t i : items) records.push_back(std::move(*work[i].pending));  // stays engaged until committed
    if (records.empty()) return;
    try {
      cache.sync_files();
      cache.index().record_many(records);
      for (std::size_t i : items) work[i].pending.reset();
    } catch (const std::exception& e) {
      for (std::size_t i : items) {
        work[i].failed = true;
        work[i].error = std::string("could not record the result in the cache: ") + e.what();
      }
    }
  }

  // ------------------------------------------------------------------- driver
  void process(std::size_t v) {
    NodeReport& rep = reports[v];
    const auto t0 = Clock::now();
    {
      std::lock_guard lock(state_mutex);
      rep.status = "running";
      rep.started_ms = std::chrono::duration<double, std::milli>(t0 - run_start).count();
    }
    std::vector<std::shared_ptr<PortData>> ins;
    std::string blocked;
    bool held = false;
    for (const auto& b : nodes[v].resolved.bindings) {
      const NodeReport& up = reports[b.upstream];
      if (up.status == "failed" || up.status == "skipped") {
        held = held_back[b.upstream] != 0;
        blocked = held ? "held back: upstream `" + id(b.upstream) + "` was held back (--partition)"
                       : "upstream `" + id(b.upstream) + "` " + (up.status == "failed" ? "failed" : "was skipped");
        break;
      }
      ins.push_back(outputs[b.upstream].at(b.upstream_port));
    }
    if (blocked.empty()) {
      if (const std::string input = holding_input(v, ins); !input.empty()) {
        held = true;
        blocked = "held back: input `" + input + "` holds only the partitions chosen with --partition; " +
                  "run without --partition to update this node";
      }
    }
    held_back[v] = held ? 1 : 0;
    std::string status, reason;
    std::optional<std::string> error;
    Outcome outcome;
    if (!blocked.empty()) {
      status = "skipped";
      reason = blocked;
    } else if (cancelled()) {
      status = "skipped";
      reason = cancel_reason();
    } else if (opt.dry_run && std::any_of(ins.begin(), ins.end(), [](const auto& p) { return !p->known; })) {
      status = "run";
      // A forced node reruns whatever its inputs give, as the run will report it.
      if (opt.forced[v]) reason = "forced (--force)";
      for (std::size_t i = 0; i < ins.size() && reason.empty(); ++i) {
        if (!ins[i]->known) {
          reason = "input `" + id(nodes[v].resolved.bindings[i].upstream) + "` will be recomputed (cached again if its output is unchanged)";
          break;
        }
      }
      for (const auto& p : desc(v).outputs) {
        auto pd = new_port(v);
        pd->known = false;
        outputs[v][p.name] = pd;
      }
    } else {
      try {
        if (opt.progress && nodes[v].spec->foreach.empty()) opt.progress->node_started(v, 0, "rows");
        if (nodes[v].spec->foreach.empty()) process_plain(v, ins, outcome);
        else process_partitioned(v, ins, outcome);
        status = outcome.status;
        reason = outcome.reason;
      } catch (const Cancelled&) {
        status = "skipped";
        reason = cancel_reason();
      } catch (const std::exception& e) {
        status = "failed";
        reason = outcome.reason.empty() ? "stage failed" : outcome.reason;
        error = "node '" + id(v) + "' (" + desc(v).id + ") failed: " + e.what();
        log::error(*error);
        if (!opt.keep_going) {
          std::lock_guard lock(state_mutex);
          if (first_failure.empty()) first_failure = id(v);
          fail_fast = true;
        }
      }
    }
    if (blocked.empty()) {
      const Restriction restriction = restriction_of(v, ins);
      for (auto& [port, pd] : outputs[v]) {
        pd->partial = restriction.partial;
        pd->restricted_by_cli = restriction.by_cli;
      }
    }
    std::lock_guard lock(state_mutex);
    rep.status = status;
    rep.reason = reason;
    rep.error = error;
    rep.partitions = outcome.partitions;
    rep.wall_ms = ms_since(t0);
    if (opt.progress && !opt.dry_run) {
      std::string summary = reason;
      if (status == "ran" || status == "failed") summary = format_duration_ms(rep.wall_ms) + "; " + reason;
      opt.progress->node_finished(v, status, summary);
    }
  }

  RunReport run() {
    for (std::size_t v = 0; v < nodes.size(); ++v) {
      reports[v].id = id(v);
      reports[v].plugin = desc(v).id;
    }
    run_dag(dag, opt.selected, opt.jobs, [this](std::size_t v) { process(v); });
    std::error_code ec;
    std::filesystem::remove_all(scratch_root, ec);
    RunReport report;
    report.pipeline = spec.name;
    report.run_id = opt.run_id;
    report.wall_ms = ms_since(run_start);
    bool ok = true;
    // Node indices are in file order, which is what users read.
    for (std::size_t v = 0; v < nodes.size(); ++v) {
      if (!opt.selected[v]) continue;
      ok = ok && reports[v].status != "failed" && (reports[v].status != "skipped" || held_back[v]);
      report.nodes.push_back(reports[v]);
    }
    report.status = ok ? "ok" : "failed";
    if (!opt.dry_run) cache.index().touch(keys_to_touch);
    return report;
  }
};

Executor::Executor(const PipelineSpec& spec, const Dag& dag, std::vector<PreparedNode> nodes, Cache& cache, ExecOptions options)
    : impl_(std::make_unique<Impl>(spec, dag, std::move(nodes), cache, std::move(options))) {}
Executor::~Executor() = default;
RunReport Executor::run() { return impl_->run(); }
std::vector<std::string> Executor::used_keys() const {
  std::lock_guard lock(impl_->state_mutex);
  return impl_->keys_used;
}

}  // namespace sluice::engine
