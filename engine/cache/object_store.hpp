#pragma once
// Content-addressed object files: objects/ab/cdef... named by the XXH3-128 of
// the raw (uncompressed) encoding. Writes are atomic (temp file, fsync, rename);
// every read re-hashes the content and rejects a mismatch.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <sluice/serialize.hpp>

namespace sluice::engine {

class ObjectStore {
 public:
  explicit ObjectStore(std::filesystem::path root, bool compress = true);

  // Stores `raw` (whose hash is `hash`) unless already present; returns the stored file size.
  // With durable=false the file is renamed into place without fsync; the caller must call
  // sync() before recording anything that refers to it (group commit for many small objects).
  std::uint64_t put(const Hash128& hash, std::string_view raw, bool durable = true);
  // Makes every object written so far durable (one syncfs for the whole batch).
  void sync() const;
  // The verified raw bytes, or nullopt if the object is absent. A corrupt object
  // (bad header, failed decompression, checksum mismatch) is deleted, logged and
  // reported as absent, so the caller recomputes it.
  std::optional<std::string> get(const Hash128& hash) const;
  bool contains(const Hash128& hash) const;
  void remove(const Hash128& hash) const;
  std::filesystem::path path_of(const Hash128& hash) const;
  const std::filesystem::path& root() const { return root_; }
  bool compresses() const { return compress_; }

  // Encodes a stored object's file content (exposed for the fuzzer and tests).
  static std::string frame(const Hash128& hash, std::string_view raw, bool compress);
  // Decodes and verifies a file's content; throws sluice::Error describing the corruption.
  static std::string unframe(const Hash128& expected, std::string_view file_bytes);

 private:
  std::filesystem::path root_;
  bool compress_;
};

// Writes `bytes` to `target` atomically: temp file in the same dir, fsync, rename, fsync dir.
// With durable=false: no fsync of the file or directory (see ObjectStore::put).
void write_file_atomic(const std::filesystem::path& target, std::string_view bytes, bool durable = true);

}  // namespace sluice::engine
