#pragma once
// The SQLite stages: sluice.sqlite_extract (a source) and sluice.sqlite_load (a warehouse sink).
#include <memory>

#include <sluice/sdk.hpp>

namespace sluice::sqlite {

StageDescriptor extract_descriptor();
std::unique_ptr<Stage> make_extract(const Params& params);

StageDescriptor load_descriptor();
std::unique_ptr<Stage> make_load(const Params& params);

}  // namespace sluice::sqlite
