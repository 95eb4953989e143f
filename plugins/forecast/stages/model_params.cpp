#include "model_params.hpp"

#include <cmath>

#include "series_table.hpp"

namespace sluice::forecast {

std::vector<ParamSpec> prophet_param_specs() {
  const char* seasonality_doc = "\"auto\" (Prophet's rule), \"on\"/true, \"off\"/false, or a Fourier order (int >= 1)";
  return {
      {"growth", ParamType::String, ParamValue("linear"), false, {}, {}, {"linear", "logistic", "flat"},
       "trend: piecewise linear, logistic (needs cap) or flat"},
      {"changepoint_prior_scale", ParamType::Double, ParamValue(0.05), false, 1e-12, {}, {},
       "Laplace scale of trend changes; larger = more flexible trend"},
      {"seasonality_prior_scale", ParamType::Double, ParamValue(10.0), false, 1e-12, {}, {},
       "normal prior scale of the seasonal Fourier coefficients"},
      {"holidays_prior_scale", ParamType::Double, ParamValue(10.0), false, 1e-12, {}, {},
       "normal prior scale of the holiday effects"},
      {"n_changepoints", ParamType::Int, ParamValue(25), false, 0.0, 10000.0, {},
       "potential trend changepoints, spread over the first changepoint_range of the history"},
      {"changepoint_range", ParamType::Double, ParamValue(0.8), false, 0.0, 1.0, {},
       "share of the history in which changepoints may lie"},
      {"yearly", ParamType::Any, ParamValue("auto"), false, {}, {}, {}, std::string("yearly seasonality: ") + seasonality_doc},
      {"weekly", ParamType::Any, ParamValue("auto"), false, {}, {}, {}, std::string("weekly seasonality: ") + seasonality_doc},
      {"daily", ParamType::Any, ParamValue("auto"), false, {}, {}, {}, std::string("daily seasonality: ") + seasonality_doc},
      {"seasonality_mode", ParamType::String, ParamValue("additive"), false, {}, {}, {"additive", "multiplicative"},
       "how seasonalities and holidays combine with the trend"},
      {"interval_width", ParamType::Double, ParamValue(0.8), false, 0.01, 0.99, {},
       "coverage of yhat_lower..yhat_upper"},
      {"uncertainty_samples", ParamType::Int, ParamValue(1000), false, 0.0, 1000000.0, {},
       "simulated paths for the intervals (0 = no intervals)"},
      {"seed", ParamType::Int, ParamValue(0), false, 0.0, {}, {}, "random seed of the interval simulation"},
      {"cap", ParamType::Double, {}, false, {}, {}, {}, "carrying capacity (required for logistic growth)"},
      {"floor", ParamType::Double, ParamValue(0.0), false, {}, {}, {}, "saturating minimum for logistic growth"},
  };
}

prophet::SeasonalitySwitch parse_seasonality_switch(const std::string& name, const ParamValue& v) {
  using prophet::SeasonalitySwitch;
  if (v.is_bool()) return v.as_bool() ? SeasonalitySwitch::on() : SeasonalitySwitch::off();
  if (v.is_string()) {
    const std::string& s = v.as_string();
    if (s == "auto") return SeasonalitySwitch::automatic();
    if (s == "on" || s == "true") return SeasonalitySwitch::on();
    if (s == "off" || s == "false") return SeasonalitySwitch::off();
  }
  if (v.is_int() && v.as_int() >= 1 && v.as_int() <= 1000) return SeasonalitySwitch::with_order(static_cast<int>(v.as_int()));
  if (v.is_int() && v.as_int() == 0) return SeasonalitySwitch::off();
  throw param_error(name, "expected \"auto\", \"on\"/true, \"off\"/false or a Fourier order between 1 and 1000, got " +
                              v.display());
}

ModelSettings model_settings_from(const Params& p) {
  ModelSettings s;
  auto& o = s.options;
  const std::string& growth = p.get_string("growth");
  o.growth = growth == "logistic" ? prophet::Growth::Logistic
             : growth == "flat"   ? prophet::Growth::Flat
                                  : prophet::Growth::Linear;
  o.changepoint_prior_scale = p.get_double("changepoint_prior_scale");
  o.seasonality_prior_scale = p.get_double("seasonality_prior_scale");
  o.holidays_prior_scale = p.get_double("holidays_prior_scale");
  o.n_changepoints = static_cast<int>(p.get_int("n_changepoints"));
  o.changepoint_range = p.get_double("changepoint_range");
  o.yearly = parse_seasonality_switch("yearly", p.get("yearly"));
  o.weekly = parse_seasonality_switch("weekly", p.get("weekly"));
  o.daily = parse_seasonality_switch("daily", p.get("daily"));
  o.seasonality_mode =
      p.get_string("seasonality_mode") == "multiplicative" ? prophet::Mode::Multiplicative : prophet::Mode::Additive;
  o.interval_width = p.get_double("interval_width");
  o.uncertainty_samples = static_cast<int>(p.get_int("uncertainty_samples"));
  o.seed = static_cast<std::uint64_t>(p.get_int("seed"));
  s.floor = p.get_double("floor");
  if (p.has("cap")) s.cap = p.get_double("cap");
  if (!std::isfinite(s.floor)) throw ParamError("floor", "parameter 'floor' must be a finite number");
  // An infinite cap scales every y to 0 and the forecast to NaN: only a finite one is a carrying capacity.
  if (s.cap && !std::isfinite(*s.cap))
    throw ParamError("cap", "parameter 'cap' must be a finite number, got " + number_text(*s.cap));
  if (o.growth == prophet::Growth::Logistic) {
    if (!s.cap)
      throw ParamError("cap", "parameter 'cap' is required when growth is 'logistic' (the saturating maximum of y)");
    if (!(*s.cap > s.floor))
      throw ParamError("cap", "parameter 'cap' (" + ParamValue(*s.cap).display() + ") must be greater than 'floor' (" +
                                  ParamValue(s.floor).display() + ")");
  }
  return s;
}

prophet::ProphetOptions ModelSettings::options_for(const Inputs& in, const Context& ctx) const {
  prophet::ProphetOptions run_options = options;
  run_options.cancelled = [&ctx] { return ctx.cancelled(); };
  if (in.has("holidays")) run_options.holidays = read_holidays(in.table("holidays"));
  return run_options;
}

prophet::Frame ModelSettings::with_cap_floor(prophet::Frame f) const {
  if (options.growth == prophet::Growth::Logistic) {
    f.cap.assign(f.ds_us.size(), *cap);
    f.floor.assign(f.ds_us.size(), floor);
  }
  return f;
}

}  // namespace sluice::forecast
