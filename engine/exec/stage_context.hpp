#pragma once
// The engine's implementation of sluice::Context for one stage invocation.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <sluice/context.hpp>

namespace sluice::engine {

class PartitionInfoLog;
class Progress;

class StageContext : public Context {
 public:
  struct Setup {
    std::string node_label;  // "forecast" or "forecast[store_id=7]"
    std::size_t node_index = 0;
    // Required, and borrowed rather than copied (a partition's context is set up thousands of times per
    // node): both belong to the run and outlive every context of it.
    const std::filesystem::path* pipeline_dir = nullptr;
    const std::filesystem::path* scratch_root = nullptr;  // a per-invocation dir is made below it on demand
    const std::atomic<bool>* run_cancel = nullptr;
    const std::atomic<bool>* node_cancel = nullptr;
    std::optional<std::chrono::steady_clock::time_point> deadline;
    Progress* progress = nullptr;
    bool report_progress = true;  // false for partitions (the node reports partition counts)
    PartitionInfoLog* partition_info = nullptr;  // set: info messages are capped per node
    std::function<std::string()> run_info;
    const Table* partition_keys = nullptr;  // a partition's key columns and values (one row)
  };
  explicit StageContext(Setup setup);
  ~StageContext() override;

  void log(LogLevel level, std::string_view message) override;
  void progress(std::uint64_t done, std::uint64_t total, std::string_view unit) override;
  bool cancelled() const override;
  const std::filesystem::path& scratch_dir() override;
  std::string_view node_id() const override { return setup_.node_label; }
  const std::filesystem::path& pipeline_dir() const override { return *setup_.pipeline_dir; }
  std::string run_info_json() const override;
  const Table* partition_keys() const override { return setup_.partition_keys; }

  bool timed_out() const;

 private:
  Setup setup_;
  std::filesystem::path scratch_;
};

}  // namespace sluice::engine
