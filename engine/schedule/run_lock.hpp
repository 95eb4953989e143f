#pragma once
// The per-pipeline run lock: at most one run of a pipeline at a time, across
// processes (the scheduler, `sluice run` by hand, a second daemon).
//
// The lock is an flock() on <cache_dir>/locks/<pipeline>.lock. The kernel drops
// it when the holder dies, even by SIGKILL, so a crashed run never blocks the
// next one. The file body names the holder (pid, host, start time) so a busy
// error can say who holds it, and so a lock left behind on a shared filesystem
// by another host can be recognised as stale (its heartbeat, the file's mtime,
// stops moving).
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace sluice::engine {

// Another run holds the lock. The message names the holder's pid, host and start time.
class LockBusyError : public std::runtime_error {
  using runtime_error::runtime_error;
};

// Who holds (or last held) a lock, as written in the lock file's body.
struct LockHolder {
  long pid = 0;
  std::string host;
  std::string started_at;  // ISO-8601 UTC
  std::string pipeline;
};

class PipelineLock {
 public:
  // Waits up to `wait` (0 = do not wait) for another holder; throws LockBusyError naming the holder.
  // A stale lock (holder pid dead on this host, or heartbeat older than a threshold for another host)
  // is taken over with a warning (log::warn).
  static PipelineLock acquire(const std::filesystem::path& cache_dir, const std::string& pipeline,
                              std::chrono::milliseconds wait);

  PipelineLock(PipelineLock&&) noexcept;
  PipelineLock& operator=(PipelineLock&&) noexcept;
  PipelineLock(const PipelineLock&) = delete;
  PipelineLock& operator=(const PipelineLock&) = delete;
  ~PipelineLock();  // releases

  // Releases early (idempotent); the destructor does the same.
  void release() noexcept;
  const std::filesystem::path& path() const;

  // The lock file for `pipeline` under `cache_dir` (names are sanitised to a safe file name).
  static std::filesystem::path lock_path(const std::filesystem::path& cache_dir, const std::string& pipeline);
  // Reads the holder recorded in a lock file; nullopt if the file is missing or empty (free).
  static std::optional<LockHolder> read_holder(const std::filesystem::path& lock_file);

  // A lock written by another host whose heartbeat is older than this is stale.
  static constexpr std::chrono::seconds kStaleAfter{120};
  // How often the holder refreshes its heartbeat.
  static constexpr std::chrono::seconds kHeartbeatEvery{20};

 private:
  struct State;
  explicit PipelineLock(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace sluice::engine
