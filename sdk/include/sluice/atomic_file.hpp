#pragma once
// Writing a file so that nobody ever sees half of it: the bytes go to a temporary file in the
// target's directory (`.<name>.tmp-<pid>-<random>`, created with O_EXCL), which is renamed over the
// target on commit. Until then readers see the old target, or none; afterwards, the new one whole.
// A file that is destroyed uncommitted (an exception, a failed write) removes its temporary file.
//
// The published file has mode 0644 whatever the umask. Every failure throws sluice::Error naming
// the target and the step that failed, e.g.
//   writing /srv/out/report.csv: No space left on device (check that the directory exists and is
//   writable, and that the disk is not full)
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "sluice/export.hpp"

namespace sluice {

// Whether a missing parent directory of the target is an error or is created (with its parents).
enum class ParentDirs { MustExist, Create };

// A file written in pieces and published atomically by commit(). Not thread-safe: one writer.
class SLUICE_API AtomicFile {
 public:
  // Creates the temporary file; throws sluice::Error if the target's directory is missing (with
  // ParentDirs::MustExist), not writable, or `target` does not name a file.
  explicit AtomicFile(const std::filesystem::path& target, ParentDirs parents = ParentDirs::MustExist);
  // Removes the temporary file unless commit() succeeded.
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Appends bytes to the temporary file. Throws sluice::Error on failure (the temporary file is
  // removed at once), and std::logic_error once the file is committed or has failed.
  void write(std::string_view bytes);
  // Publishes the file by renaming it over the target. durable: fsync the file before the rename
  // and the directory after it, so the new content survives a power loss; without it the caller
  // syncs later (e.g. one syncfs for a batch of files). On failure the target is untouched and the
  // temporary file is removed. Call it once.
  void commit(bool durable = true);

  std::uint64_t bytes_written() const noexcept { return written_; }
  const std::filesystem::path& target() const noexcept { return target_; }

 private:
  void abandon() noexcept;

  // The layout is part of the plugin ABI (plugins hold AtomicFile by value): changing these
  // members needs a layout revision (SLUICE_ABI_REVISION in abi.hpp).
  std::filesystem::path target_, temp_;
  int fd_ = -1;
  std::uint64_t written_ = 0;
  bool committed_ = false;
};

// Replaces `path` with `bytes` atomically: AtomicFile, one write, commit(durable).
SLUICE_API void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, bool durable = true,
                                      ParentDirs parents = ParentDirs::MustExist);

}  // namespace sluice
