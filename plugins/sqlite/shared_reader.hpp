#pragma once
// verify() runs once per partition of a foreach load: a warehouse loaded per store verifies one
// receipt per store on every rerun. Opening the file costs more than the checks themselves, so the
// checks share one read-only connection per file, one at a time, for as long as the path names the
// same file (device and inode). A connection holds no transaction between checks, so it blocks no
// writer and sees every commit.
#include <filesystem>
#include <functional>

#include "sqlite_connection.hpp"

namespace sluice::sqlite {

// Runs `check` on the shared read-only connection to `path`, opening it when needed. A check that
// throws closes that connection (the next one opens a fresh one) and rethrows.
bool with_shared_reader(const std::filesystem::path& path, int busy_timeout_ms, const std::function<bool(Connection&)>& check);

}  // namespace sluice::sqlite
