#pragma once
// sluice.daily_series: transactions -> one row per key and calendar day.
#include <sluice/sdk.hpp>

namespace sluice::daily {

StageDescriptor daily_series_descriptor();
std::unique_ptr<Stage> make_daily_series(const Params& params);

}  // namespace sluice::daily
