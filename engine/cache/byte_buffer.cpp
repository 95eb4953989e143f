#include "cache/byte_buffer.hpp"

#include <cstring>

namespace sluice::engine {

ByteBuffer ByteBuffer::copy_of(std::string_view bytes) {
  ByteBuffer b(bytes.size());
  if (!bytes.empty()) std::memcpy(b.data(), bytes.data(), bytes.size());
  return b;
}

}  // namespace sluice::engine
