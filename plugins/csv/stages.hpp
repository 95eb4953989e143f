#pragma once
// sluice.csv_read and sluice.csv_write.
#include <sluice/sdk.hpp>

namespace sluice::csv {

StageDescriptor csv_read_descriptor();
std::unique_ptr<Stage> make_csv_read(const Params& params);

StageDescriptor csv_write_descriptor();
std::unique_ptr<Stage> make_csv_write(const Params& params);

// The single character of a `delimiter` parameter; throws ParamError otherwise.
char delimiter_param(const Params& params);

}  // namespace sluice::csv
