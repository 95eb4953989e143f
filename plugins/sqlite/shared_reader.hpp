#pragma once
// verify() runs once per partition of a foreach load: a warehouse loaded per store verifies one
// receipt per store on every rerun. Opening the file and preparing the lookups cost more than the
// checks themselves, so the checks reuse pooled connections that only read, with their prepared
// statements (connection_pool.hpp), one per concurrent check. A connection holds no transaction
// between checks, so it blocks no writer and sees every commit.
#include <filesystem>
#include <functional>

#include "connection_pool.hpp"

namespace sluice::sqlite {

// Runs `check` on a connection of `pool` that only reads (query_only) to `path`, an existing file (the caller
// has looked; the pool stats it again to match idle connections), opening one when none is idle. A check
// that throws closes its connection and rethrows.
bool with_shared_reader(ConnectionPool& pool, const std::filesystem::path& path, int busy_timeout_ms,
                        const std::function<bool(Connection&)>& check);

}  // namespace sluice::sqlite
