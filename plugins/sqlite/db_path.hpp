#pragma once
// Database paths from params, and the cheap file identity used by fingerprints.
#include <filesystem>
#include <string>

namespace sluice::sqlite {

// Relative paths in params are relative to the current working directory (as the
// pipeline format specifies); the absolute form is used in messages and receipts.
std::filesystem::path resolve_db_path(const std::string& param);

// "dev:ino:size:mtime_ns" of the file (and of its -wal file when present, since
// a WAL-mode write may leave the main file untouched); "missing" when absent.
std::string file_identity(const std::filesystem::path& path);

}  // namespace sluice::sqlite
