#pragma once
// The receipt that lets the engine notice when a report file was deleted or
// edited after it was written (files are written with sluice::write_file_atomically).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <sluice/serialize.hpp>

namespace sluice::dashboard {

// {"path": ..., "bytes": N, "xxh3_128": "..."} for the file as written.
std::string file_receipt(const std::filesystem::path& path, std::string_view bytes);
// The same, for a file whose size and hash the caller already has.
std::string file_receipt(const std::filesystem::path& path, std::uint64_t size, const Hash128& hash);
// True when the file at the receipt's path still has the recorded size and hash.
// A malformed receipt counts as "changed", so the node reruns.
bool file_matches_receipt(const std::string& receipt);

}  // namespace sluice::dashboard
