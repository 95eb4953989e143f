#pragma once
// Writing report files so that a reader never sees half a file (temp file in
// the same directory, fsync, rename, fsync of the directory), and the receipt
// that lets the engine notice when the file was deleted or edited later.
#include <filesystem>
#include <string>
#include <string_view>

namespace sluice::dashboard {

// Replaces `path` with `bytes` atomically; creates missing parent directories.
// Throws sluice::Error naming the path and the failing step.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// {"path": ..., "bytes": N, "xxh3_128": "..."} for the file as written.
std::string file_receipt(const std::filesystem::path& path, std::string_view bytes);
// True when the file at the receipt's path still has the recorded size and hash.
// A malformed receipt counts as "changed", so the node reruns.
bool file_matches_receipt(const std::string& receipt);

}  // namespace sluice::dashboard
