#include "exec/stage_context.hpp"

#include <atomic>
#include <random>

#include "common/log.hpp"
#include "exec/partition_log.hpp"
#include "exec/progress.hpp"

namespace sluice::engine {

StageContext::StageContext(Setup setup) : setup_(std::move(setup)) {}

StageContext::~StageContext() {
  if (!scratch_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(scratch_, ec);
  }
}

void StageContext::log(LogLevel level, std::string_view message) {
  const std::string line = "[" + setup_.node_label + "] " + std::string(message);
  if (level == LogLevel::Info && setup_.partition_info != nullptr && !setup_.partition_info->admit()) {
    log::debug(line);
    return;
  }
  switch (level) {
    case LogLevel::Debug: log::debug(line); break;
    case LogLevel::Info: log::info(line); break;
    case LogLevel::Warn: log::warn(line); break;
    case LogLevel::Error: log::error(line); break;
  }
}

void StageContext::progress(std::uint64_t done, std::uint64_t total, std::string_view unit) {
  if (setup_.progress != nullptr && setup_.report_progress) setup_.progress->node_progress(setup_.node_index, done, total, unit);
}

bool StageContext::timed_out() const {
  return setup_.deadline && std::chrono::steady_clock::now() > *setup_.deadline;
}

bool StageContext::cancelled() const {
  return (setup_.run_cancel != nullptr && setup_.run_cancel->load(std::memory_order_relaxed)) ||
         (setup_.node_cancel != nullptr && setup_.node_cancel->load(std::memory_order_relaxed)) || timed_out();
}

const std::filesystem::path& StageContext::scratch_dir() {
  if (scratch_.empty()) {
    static std::atomic<std::uint64_t> counter{0};
    std::string safe;
    for (char c : setup_.node_label) safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
    scratch_ = *setup_.scratch_root / (safe + "-" + std::to_string(counter.fetch_add(1)));
    std::filesystem::create_directories(scratch_);
  }
  return scratch_;
}

std::string StageContext::run_info_json() const { return setup_.run_info ? setup_.run_info() : "{}"; }

}  // namespace sluice::engine
