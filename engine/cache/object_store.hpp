#pragma once
// Content-addressed object files: objects/ab/cdef... named by the XXH3-128 of
// the raw (uncompressed) encoding. Writes are atomic (temp file, fsync, rename);
// every read re-hashes the content and rejects a mismatch.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <sluice/serialize.hpp>

#include "cache/byte_buffer.hpp"

namespace sluice::engine {

// How an object's payload is stored: as it is, zstd, or zstd of its byte planes (byte_planes.hpp:
// for tables that are mostly numbers). Objects under 4 KiB, and every object of a store that does
// not compress, are stored as they are.
enum class Compression { None, Zstd, ZstdBytePlanes };

class ObjectStore {
 public:
  explicit ObjectStore(std::filesystem::path root, bool compress = true);

  // Stores an object unless already present; returns the stored file size. `produce` writes the
  // raw encoding in pieces to the sink it is given (raw_size bytes whose hash is `hash`), and the
  // pieces are compressed straight into the file, so a large value is never held encoded.
  // With durable=false the file is renamed into place without fsync; the caller must call
  // sync() before recording anything that refers to it (group commit for many objects).
  using Producer = std::function<void(const ValueSink&)>;
  std::uint64_t put_stream(const Hash128& hash, std::uint64_t raw_size, const Producer& produce, bool durable = true,
                           Compression compression = Compression::Zstd);
  // Stores an object already framed in memory (frame() below), the same way; an existing file that
  // differs from `framed` (damaged) is replaced. put_stream trusts an existing file: a damaged one is
  // found, and deleted, by the next read.
  std::uint64_t put_framed(const Hash128& hash, std::string_view framed, bool durable = true);
  // The size of the object's file if it is already stored.
  std::optional<std::uint64_t> stored_size(const Hash128& hash) const;
  // Makes every object written so far durable (one syncfs for the whole batch).
  void sync() const;
  // The verified raw bytes, or nullopt if the object is absent. A corrupt object
  // (bad header, failed decompression, checksum mismatch) is deleted, logged and
  // reported as absent, so the caller recomputes it.
  std::optional<ByteBuffer> get(const Hash128& hash) const;
  bool contains(const Hash128& hash) const;
  void remove(const Hash128& hash) const;
  // Deletes every object file and leftover temporary file (objects/<2 hex>/<30 hex>, and
  // objects/<2 hex>/.<30 hex>.tmp-*), and shard directories left empty; nothing else in the
  // directory is touched. Used by `sluice cache clear`, which also removes orphans of failed runs.
  void remove_all_objects() const;
  std::filesystem::path path_of(const Hash128& hash) const;
  const std::filesystem::path& root() const { return root_; }
  bool compresses() const { return compress_; }

  // Encodes a stored object's file content (exposed for the fuzzer and tests).
  static std::string frame(const Hash128& hash, std::string_view raw, Compression compression);
  // Decodes and verifies a file's content; throws sluice::Error describing the corruption.
  static ByteBuffer unframe(const Hash128& expected, std::string_view file_bytes);

 private:
  std::filesystem::path root_;
  bool compress_;
};

}  // namespace sluice::engine
