#include <doctest/doctest.h>

#include "csp.hpp"
#include "page_assets.hpp"

using namespace sluice::dashboard;

namespace {
std::string hex(const std::array<std::uint8_t, 32>& d) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (auto b : d) s += digits[b >> 4], s += digits[b & 15];
  return s;
}
std::string b64(std::string_view s) { return base64(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }
}  // namespace

TEST_CASE("sha256 matches the FIPS 180-4 test vectors") {
  CHECK(hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(hex(sha256(std::string(1'000'000, 'a'))) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Lengths around the padding boundary (55, 56, 64 bytes) must all work.
  CHECK(hex(sha256(std::string(55, 'x'))) != hex(sha256(std::string(56, 'x'))));
  CHECK(hex(sha256(std::string(64, 'a'))) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST_CASE("base64 pads correctly") {
  CHECK(b64("") == "");
  CHECK(b64("f") == "Zg==");
  CHECK(b64("fo") == "Zm8=");
  CHECK(b64("foo") == "Zm9v");
  CHECK(b64("foobar") == "Zm9vYmFy");
}

TEST_CASE("the policy allows only our script, by hash, and no network") {
  const std::string csp = content_security_policy(kPageScript);
  const auto digest = sha256(kPageScript);
  CHECK(csp.find("script-src 'sha256-" + base64(digest.data(), digest.size()) + "'") != std::string::npos);
  CHECK(csp.find("default-src 'none'") == 0);
  CHECK(csp.find("unsafe-inline'; img") == std::string::npos);  // scripts are never 'unsafe-inline'
  CHECK(csp.find("connect-src") == std::string::npos);          // covered by default-src 'none'
}
