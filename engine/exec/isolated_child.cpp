#include "exec/isolated_child.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <iostream>
#include <string>
#include <utility>

#include <sluice/errors.hpp>

#include "exec/isolation_protocol.hpp"
#include "registry/registry.hpp"

namespace sluice::engine {

namespace {

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // the engine is gone; nothing to report to
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// The Context a stage sees in the isolated process.
class ChildContext : public Context {
 public:
  ChildContext(const isolation::Request& request, std::filesystem::path scratch)
      : node_id_(request.facts.node_id),
        pipeline_dir_(request.facts.pipeline_dir),
        scratch_(std::move(scratch)),
        run_info_(request.facts.run_info),
        partition_keys_(request.facts.partition_keys) {}

  void log(LogLevel level, std::string_view message) override {
    write_all(isolation::kEventsFd, isolation::log_event(level, message));
  }
  void progress(std::uint64_t done, std::uint64_t total, std::string_view unit) override {
    write_all(isolation::kEventsFd, isolation::progress_event(done, total, unit));
  }
  // Cancelled once the engine closes the cancel pipe (on purpose or by going away).
  bool cancelled() const override {
    pollfd p{isolation::kCancelFd, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }
  const std::filesystem::path& scratch_dir() override {
    std::filesystem::create_directories(scratch_);
    return scratch_;
  }
  std::string_view node_id() const override { return node_id_; }
  const std::filesystem::path& pipeline_dir() const override { return pipeline_dir_; }
  std::string run_info_json() const override { return run_info_; }
  const Table* partition_keys() const override { return partition_keys_ ? &*partition_keys_ : nullptr; }

 private:
  std::string node_id_;
  std::filesystem::path pipeline_dir_, scratch_;
  std::string run_info_;
  std::optional<Table> partition_keys_;
};

void report_error(const std::filesystem::path& dir, std::string_view message) {
  try {
    isolation::write_file(dir / isolation::kErrorFile, message);
  } catch (...) {
    // No directory to write to (not started by the engine): say it where a person will see it.
    std::cerr << "sluice " << isolation::kChildCommand << ": " << message << "\n";
  }
}

}  // namespace

int run_isolated_child(const std::filesystem::path& dir) {
  // A crash must end the process with its signal, so the engine can name it; a sanitizer's
  // handlers would turn it into an exit code.
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(sig, SIG_DFL);
  // Outside the try: an exception thrown by the stage is an object of the plugin's code, so the
  // plugin must stay loaded until the handler below has read it.
  Registry registry;
  try {
    const isolation::Request request = isolation::decode_request(isolation::read_file(dir / isolation::kRequestFile));
    ChildContext ctx(request, dir / "stage-scratch");
    registry.load_file(request.facts.plugin);
    const LoadedStage* loaded = registry.find(request.facts.stage_id);
    if (loaded == nullptr) {
      throw Error("isolation: the plugin " + request.facts.plugin.string() + " no longer provides the stage '" +
                  request.facts.stage_id + "' (was it rebuilt during the run?)");
    }
    Outputs outputs;
    loaded->factory(request.params)->run(ctx, request.inputs, outputs);
    isolation::write_file(dir / isolation::kOutputsFile, isolation::encode_outputs(outputs));
    return 0;
  } catch (const Cancelled&) {
    return isolation::kExitCancelled;
  } catch (const std::exception& e) {
    report_error(dir, e.what());
  } catch (...) {
    report_error(dir, "the stage threw a non-standard exception");
  }
  return isolation::kExitStageError;
}

}  // namespace sluice::engine
