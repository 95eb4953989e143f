#include "stages.hpp"

namespace {
void register_forecast_stages(sluice::Registrar& r) {
  using namespace sluice::forecast;
  r.add(prophet_forecast_descriptor(), make_prophet_forecast);
  r.add(backtest_descriptor(), make_backtest);
  r.add(seasonal_naive_descriptor(), make_seasonal_naive);
}
}  // namespace

SLUICE_PLUGIN(register_forecast_stages)
