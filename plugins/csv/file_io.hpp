#pragma once
// File helpers for the CSV stages: a read-only memory map and a file's identity. Receipts hash
// with sluice::hash_bytes and sluice::hash_file, atomic writes are sluice::write_file_atomically.
#include <filesystem>
#include <string>
#include <string_view>

namespace sluice::csv {

// Maps a file read-only for the lifetime of the object (an empty file maps to an empty view).
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

// "path|size|mtime_ns|inode": changes whenever the file is replaced or modified.
std::string file_identity(const std::filesystem::path& path);

}  // namespace sluice::csv
