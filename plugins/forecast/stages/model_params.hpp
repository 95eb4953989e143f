#pragma once
// The model parameters shared by sluice.prophet_forecast and sluice.backtest:
// one schema and one parser, so the two stages can never drift apart.
#include <sluice/sdk.hpp>

#include <optional>
#include <vector>

#include "options.hpp"
#include "prophet.hpp"

namespace sluice::forecast {

// ParamSpecs of the Prophet model settings (growth, priors, seasonalities, intervals, cap/floor, seed).
std::vector<ParamSpec> prophet_param_specs();

struct ModelSettings {
  prophet::ProphetOptions options;
  std::optional<double> cap;  // logistic growth only
  double floor = 0.0;

  // The options of one run: these, with the holidays of input `holidays` when it is given.
  prophet::ProphetOptions options_for(const Inputs& in) const;
  // `f` with the cap and floor columns that logistic growth needs; unchanged for linear growth.
  prophet::Frame with_cap_floor(prophet::Frame f) const;
};

// Builds the settings from validated params; throws ParamError naming the bad parameter.
ModelSettings model_settings_from(const Params& params);

// Parses one yearly/weekly/daily value ("auto", "on"/true, "off"/false, or an order).
prophet::SeasonalitySwitch parse_seasonality_switch(const std::string& name, const ParamValue& value);

}  // namespace sluice::forecast
