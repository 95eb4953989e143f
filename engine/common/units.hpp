#pragma once
// Parsing of human units used in pipeline files and on the command line.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::engine {

// "2GiB", "500MB", "1024" (bytes), "1.5G". Returns nullopt when malformed.
std::optional<std::uint64_t> parse_size(std::string_view text);
// "30s", "10m", "2h", "1d", "250ms", "1h30m". Returns nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
std::string format_size(std::uint64_t bytes);
std::string format_duration_ms(double ms);

}  // namespace sluice::engine
