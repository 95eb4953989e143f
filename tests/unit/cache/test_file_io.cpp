#include <doctest/doctest.h>

#include <fstream>

#include "../../support/process.hpp"
#include "common/file_io.hpp"

using sluice::engine::read_whole_file;
using sluice::engine::stream_file;

namespace {
// 300,000 bytes that are not all alike (and not a multiple of the 64 KiB pieces).
std::string patterned_bytes() {
  std::string bytes(300'000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7919 % 251);
  return bytes;
}
}  // namespace

TEST_CASE("read_whole_file returns the exact bytes, and nothing for what cannot be read as a file") {
  sluice::test::TempDir dir;
  const std::string bytes = patterned_bytes();
  {
    std::ofstream out(dir / "blob", std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  const auto back = read_whole_file(dir / "blob");
  REQUIRE(back);
  CHECK(*back == bytes);
  std::ofstream(dir / "empty").flush();
  CHECK(read_whole_file(dir / "empty") == std::string());
  CHECK_FALSE(read_whole_file(dir / "missing"));
  CHECK_FALSE(read_whole_file(dir.path()));  // a directory
}

TEST_CASE("stream_file delivers the bytes in order in bounded pieces, and nothing for what cannot be read as a file") {
  sluice::test::TempDir dir;
  const std::string bytes = patterned_bytes();
  {
    std::ofstream out(dir / "blob", std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  std::string back;
  std::size_t pieces = 0;
  CHECK(stream_file(dir / "blob", [&](std::string_view piece) {
    CHECK(piece.size() <= 64 * 1024);
    back.append(piece);
    ++pieces;
  }));
  CHECK(back == bytes);
  CHECK(pieces >= 5);
  std::ofstream(dir / "empty").flush();
  bool called = false;
  CHECK(stream_file(dir / "empty", [&](std::string_view) { called = true; }));
  CHECK_FALSE(called);
  CHECK_FALSE(stream_file(dir / "missing", [&](std::string_view) { called = true; }));
  CHECK_FALSE(stream_file(dir.path(), [&](std::string_view) { called = true; }));
  CHECK_FALSE(called);
}
