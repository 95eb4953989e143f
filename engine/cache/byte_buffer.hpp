#pragma once
// A byte buffer of a fixed size whose storage is not zero-filled first. A decoded cache object is
// written whole by its decompressor right after allocation; std::string::resize would first zero
// every byte (3 % of the CPU of a node that loads 1,000 large partitions; docs/performance.md).
#include <cstddef>
#include <memory>
#include <string_view>

namespace sluice::engine {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  // `size` bytes of indeterminate content, for the caller to fill.
  explicit ByteBuffer(std::size_t size) : bytes_(std::make_unique_for_overwrite<char[]>(size)), size_(size) {}
  // A copy of `bytes`.
  static ByteBuffer copy_of(std::string_view bytes);

  char* data() { return bytes_.get(); }
  const char* data() const { return bytes_.get(); }
  std::size_t size() const { return size_; }
  std::string_view view() const { return {bytes_.get(), size_}; }

 private:
  std::unique_ptr<char[]> bytes_;
  std::size_t size_ = 0;
};

}  // namespace sluice::engine
