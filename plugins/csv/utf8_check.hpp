#pragma once
// Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF).
#include <cstddef>
#include <string_view>

namespace sluice::csv {

// Offset of the first byte that does not start a valid UTF-8 sequence, or npos.
std::size_t first_invalid_utf8(std::string_view bytes);

}  // namespace sluice::csv
