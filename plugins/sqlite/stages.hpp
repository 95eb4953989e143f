#pragma once
// The SQLite stages: sluice.sqlite_extract (a source) and sluice.sqlite_load (a warehouse sink).
#include <memory>

#include <sluice/sdk.hpp>

namespace sluice::sqlite {

class ConnectionPool;

StageDescriptor extract_descriptor();
std::unique_ptr<Stage> make_extract(const Params& params);

StageDescriptor load_descriptor();
// A load with warehouse connections of its own, closed with it.
std::unique_ptr<Stage> make_load(const Params& params);
// Makes loads that share one pool of warehouse connections (connection_pool.hpp), open until the factory
// and every load it made are gone: what the plugin registers, so a run's partitions share them.
StageFactory load_factory(std::shared_ptr<ConnectionPool> pool = nullptr);

}  // namespace sluice::sqlite
