#pragma once
// The forecasting stages: Prophet forecast, backtest (cross-validation +
// metrics, with a seasonal-naive baseline) and the seasonal-naive forecast.
#include <sluice/sdk.hpp>

namespace sluice::forecast {

StageDescriptor prophet_forecast_descriptor();
std::unique_ptr<Stage> make_prophet_forecast(const Params& params);

StageDescriptor backtest_descriptor();
std::unique_ptr<Stage> make_backtest(const Params& params);

StageDescriptor seasonal_naive_descriptor();
std::unique_ptr<Stage> make_seasonal_naive(const Params& params);

}  // namespace sluice::forecast
