#pragma once
// A file written in pieces and published atomically: the bytes go to a temp file in the target's
// directory, which is renamed over the target on commit(). Until then readers see the old target
// or none; a file destroyed uncommitted (an exception, a failed write) removes its temp file.
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace sluice::engine {

class AtomicFile {
 public:
  explicit AtomicFile(const std::filesystem::path& target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  // Publishes the file. durable: fsync the file before the rename and the directory after it.
  void commit(bool durable);
  std::uint64_t bytes_written() const { return written_; }

 private:
  std::filesystem::path target_, dir_, temp_;
  int fd_ = -1;
  std::uint64_t written_ = 0;
  bool committed_ = false;
};

// Writes `bytes` to `target` atomically (see AtomicFile). With durable=false: no fsync of the
// file or directory (see ObjectStore::put_stream).
void write_file_atomic(const std::filesystem::path& target, std::string_view bytes, bool durable = true);

}  // namespace sluice::engine
