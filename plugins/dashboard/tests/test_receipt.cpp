#include <doctest/doctest.h>

#include <sluice/atomic_file.hpp>

#include "../../../tests/support/process.hpp"
#include "receipt.hpp"

using namespace sluice;
using namespace sluice::dashboard;
using sluice::test::TempDir;

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
