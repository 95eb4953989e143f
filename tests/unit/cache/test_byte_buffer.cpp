#include <doctest/doctest.h>

#include <string>

#include "cache/byte_buffer.hpp"

using sluice::engine::ByteBuffer;

TEST_CASE("a ByteBuffer holds what was written into it, and copy_of copies exactly") {
  ByteBuffer filled(5);
  for (std::size_t i = 0; i < filled.size(); ++i) filled.data()[i] = static_cast<char>('a' + i);
  CHECK(filled.view() == "abcde");

  const std::string bytes("x\0y\0z", 5);
  const ByteBuffer copy = ByteBuffer::copy_of(bytes);
  CHECK(copy.size() == 5);
  CHECK(copy.view() == bytes);

  CHECK(ByteBuffer::copy_of("").view().empty());
  CHECK(ByteBuffer().size() == 0);
}
