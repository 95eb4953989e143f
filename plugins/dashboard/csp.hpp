#pragma once
// The page's Content-Security-Policy. Scripts are allowed by the SHA-256 of
// our one inline script, so even markup injected by a future escaping bug
// could not run a script; the policy also forbids every network fetch.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::dashboard {

// SHA-256 (FIPS 180-4) of `data`.
std::array<std::uint8_t, 32> sha256(std::string_view data);
// Standard base64 with padding.
std::string base64(const std::uint8_t* data, std::size_t size);
// The full policy for a page whose only script is `inline_script` (the exact text between the tags).
std::string content_security_policy(std::string_view inline_script);

}  // namespace sluice::dashboard
