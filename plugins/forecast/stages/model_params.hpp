#pragma once
// The model parameters shared by sluice.prophet_forecast and sluice.backtest:
// one schema and one parser, so the two stages can never drift apart.
#include <sluice/sdk.hpp>

#include <optional>
#include <string>
#include <utility>
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

  // The options of one run: these, with the holidays of input `holidays` when it is given, and the
  // run's cancellation (the model stops its fit or prediction once `ctx` is cancelled).
  prophet::ProphetOptions options_for(const Inputs& in, const Context& ctx) const;
  // `f` with the cap and floor columns that logistic growth needs; unchanged for linear growth.
  prophet::Frame with_cap_floor(prophet::Frame f) const;
};

// Runs the model calls of `work` and reports the model's exceptions in the SDK's terms: work stopped by
// the run's cancellation (see options_for) is Cancelled, so the engine treats it as a cancellation and
// not a failure; a holiday's bad settings are an error of input 'holidays' (the model checks them when
// it builds its holiday columns, before it optimises), and any other ModelError one of input 'history'.
template <class Work>
void run_model(Work&& work) {
  try {
    std::forward<Work>(work)();
  } catch (const prophet::Cancelled&) {
    throw sluice::Cancelled();
  } catch (const prophet::HolidayError& e) {
    throw Error("input 'holidays': " + std::string(e.what()));
  } catch (const prophet::ModelError& e) {
    throw Error("input 'history': " + std::string(e.what()));
  }
}

// Builds the settings from validated params; throws ParamError naming the bad parameter.
ModelSettings model_settings_from(const Params& params);

// Parses one yearly/weekly/daily value ("auto", "on"/true, "off"/false, or an order).
prophet::SeasonalitySwitch parse_seasonality_switch(const std::string& name, const ParamValue& value);

}  // namespace sluice::forecast
