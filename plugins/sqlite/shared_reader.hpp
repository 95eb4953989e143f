#pragma once
// verify() runs once per partition of a foreach load: a warehouse loaded per store verifies one
// receipt per store on every rerun. Opening the file and preparing the lookups cost more than the
// checks themselves, so the checks reuse connections that only read (and their prepared statements):
// a small pool per file, one connection per concurrent check, for as long as the path names the
// same file (device and inode; the open connection keeps the old inode from being reused). A
// connection holds no transaction between checks, so it blocks no writer and sees every commit.
#include <filesystem>
#include <functional>

#include "sqlite_connection.hpp"

namespace sluice::sqlite {

// Runs `check` on a pooled connection that only reads (query_only) to `path`, opening one when none is idle. A check
// that throws closes its connection and rethrows.
bool with_shared_reader(const std::filesystem::path& path, int busy_timeout_ms, const std::function<bool(Connection&)>& check);

}  // namespace sluice::sqlite
