#pragma once
// Helpers for unit-testing a stage in-process, without the engine:
//
//   sluice::testing::TestContext ctx;
//   auto out = sluice::testing::run_stage(descriptor, factory, {{"column", "x"}}, {{"in", table}}, ctx);
//   CHECK(out.values().count("out") == 1);
#include <atomic>
#include <filesystem>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sluice/stage.hpp"
#include "sluice/table.hpp"

namespace sluice::testing {

class TestContext : public Context {
 public:
  TestContext() : scratch_(std::filesystem::temp_directory_path() / "sluice-test-scratch") {
    std::filesystem::create_directories(scratch_);
  }
  void log(LogLevel, std::string_view message) override {
    std::lock_guard lock(mutex_);
    messages.emplace_back(message);
  }
  void progress(std::uint64_t done, std::uint64_t total, std::string_view) override {
    std::lock_guard lock(mutex_);
    last_done = done;
    last_total = total;
  }
  bool cancelled() const override { return cancel_flag.load(); }
  const std::filesystem::path& scratch_dir() override { return scratch_; }
  std::string_view node_id() const override { return "test"; }
  const std::filesystem::path& pipeline_dir() const override { return pipeline_dir_; }
  const Table* partition_keys() const override { return partition ? &*partition : nullptr; }

  std::vector<std::string> messages;
  std::optional<Table> partition;  // what partition_keys() reports (set it to test a partition's run)
  std::uint64_t last_done = 0;
  std::uint64_t last_total = 0;
  std::atomic<bool> cancel_flag{false};

 private:
  std::mutex mutex_;
  std::filesystem::path scratch_;
  std::filesystem::path pipeline_dir_ = std::filesystem::current_path();
};

// Applies the schema (defaults, checks), creates the stage and runs it once.
inline Outputs run_stage(const StageDescriptor& descriptor, const StageFactory& factory,
                         std::initializer_list<std::pair<const char*, ParamValue>> params,
                         std::vector<std::pair<std::string, Value>> inputs, Context& ctx) {
  Params given;
  for (const auto& [name, value] : params) given.set(name, value);
  Params validated = apply_schema(descriptor, std::move(given));
  auto stage = factory(validated);
  Inputs in;
  for (auto& [port, value] : inputs) in.bind(port, std::make_shared<const Value>(std::move(value)));
  Outputs out;
  stage->run(ctx, in, out);
  return out;
}

}  // namespace sluice::testing
