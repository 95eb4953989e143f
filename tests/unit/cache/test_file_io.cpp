#include <doctest/doctest.h>

#include <fstream>

#include "../../support/process.hpp"
#include "common/file_io.hpp"

using sluice::engine::read_whole_file;

TEST_CASE("read_whole_file returns the exact bytes, and nothing for what cannot be read as a file") {
  sluice::test::TempDir dir;
  std::string bytes(300'000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7919 % 251);
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

TEST_CASE("read_whole_file reads a file whose size is not known in advance") {
  // /proc files report a size of 0 and have content: the buffer must grow past the hint.
  const auto status = read_whole_file("/proc/self/status");
  REQUIRE(status);
  CHECK(status->rfind("Name:", 0) == 0);
  CHECK(status->find("VmRSS:") != std::string::npos);
}
