#include <doctest/doctest.h>

#include <sluice/errors.hpp>

#include "../../../tests/support/process.hpp"
#include "atomic_file.hpp"

using namespace sluice;
using namespace sluice::dashboard;
using sluice::test::slurp;
using sluice::test::TempDir;

namespace {
std::size_t entries_in(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}
}  // namespace

TEST_CASE("atomic write creates the file and leaves no temp file behind") {
  TempDir dir;
  const auto path = dir / "sub/report.html";
  write_file_atomically(path, "first");
  CHECK(slurp(path) == "first");
  write_file_atomically(path, "second, longer");
  CHECK(slurp(path) == "second, longer");
  CHECK(entries_in(dir / "sub") == 1);
}

TEST_CASE("atomic write replaces the file by rename, so an open reader keeps the old content") {
  TempDir dir;
  const auto path = dir / "r.html";
  write_file_atomically(path, "old content");
  std::ifstream reader(path, std::ios::binary);  // opened before the rewrite
  write_file_atomically(path, "new content");
  std::string seen;
  std::getline(reader, seen);
  CHECK(seen == "old content");  // the old inode is intact: nobody ever sees a half-written file
  CHECK(slurp(path) == "new content");
}

TEST_CASE("atomic write failures name the path and keep the old file") {
  TempDir dir;
  const auto blocker = dir / "file";
  sluice::test::write_file(blocker, "x");
  // A path under a regular file can never be created.
  CHECK_THROWS_WITH_AS(write_file_atomically(blocker / "d.html", "data"),
                       doctest::Contains(("cannot create directory '" + blocker.string() + "'").c_str()), Error);
  CHECK_THROWS_WITH_AS(write_file_atomically(dir / "", "data"), doctest::Contains("does not name a file"), Error);
  // Renaming onto a directory fails after the temp file was written: it must be cleaned up.
  std::filesystem::create_directories(dir / "target.html");
  CHECK_THROWS_WITH_AS(write_file_atomically(dir / "target.html", "data"),
                       doctest::Contains(("cannot rename temporary file onto '" + (dir / "target.html").string() + "'").c_str()),
                       Error);
  CHECK(entries_in(dir.path()) == 2);  // "file" and "target.html", no temp leftovers
}

TEST_CASE("receipts: match, mismatch and malformed") {
  TempDir dir;
  const auto path = dir / "r.html";
  write_file_atomically(path, "abc");
  const std::string receipt = file_receipt(path, "abc");
  CHECK(file_matches_receipt(receipt));
  write_file_atomically(path, "abd");
  CHECK_FALSE(file_matches_receipt(receipt));
  write_file_atomically(path, "abcd");
  CHECK_FALSE(file_matches_receipt(receipt));
  CHECK_FALSE(file_matches_receipt(""));
  CHECK_FALSE(file_matches_receipt("{\"path\":1}"));
  CHECK_FALSE(file_matches_receipt("{\"path\":\"/nonexistent/x\",\"bytes\":3,\"xxh3_128\":\"00\"}"));
}
