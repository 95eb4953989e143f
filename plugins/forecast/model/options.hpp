#pragma once
// The settings of a Prophet-style model, mirroring Prophet's constructor
// arguments (see docs/forecasting.md for each one).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cancel.hpp"

namespace sluice::prophet {

enum class Growth { Linear, Logistic, Flat };
enum class Mode { Additive, Multiplicative };
// Auto: Newton below 100 rows, as Prophet; else the exact minimum where the mean is linear in the
// parameters (minimize_map), and Stan-style L-BFGS elsewhere, as Prophet. Lbfgs: always Stan-style
// L-BFGS (then the exact search from where it stops, or the smoothed polish). Lbfgspp: LBFGSpp instead.
enum class Algorithm { Auto, Lbfgs, Newton, Lbfgspp };

// yearly/weekly/daily switch: "auto", on (default order), off, or an explicit order.
struct SeasonalitySwitch {
  enum class Kind { Auto, On, Off, Order };
  Kind kind = Kind::Auto;
  int order = 0;
  static SeasonalitySwitch automatic() { return {}; }
  static SeasonalitySwitch on() { return {Kind::On, 0}; }
  static SeasonalitySwitch off() { return {Kind::Off, 0}; }
  static SeasonalitySwitch with_order(int n) { return {Kind::Order, n}; }
};

struct Seasonality {
  std::string name;
  double period_days = 0.0;
  int fourier_order = 0;
  std::optional<double> prior_scale;  // default: seasonality_prior_scale
  std::optional<Mode> mode;           // default: seasonality_mode
};

// One holiday occurrence; `day` is days since 1970-01-01.
struct HolidayEvent {
  std::string name;
  std::int64_t day = 0;
  int lower_window = 0;  // <= 0
  int upper_window = 0;  // >= 0
  std::optional<double> prior_scale;
};

struct Regressor {
  enum class Standardize { Auto, Yes, No };
  std::string name;
  std::optional<double> prior_scale;  // default: holidays_prior_scale
  Standardize standardize = Standardize::Auto;
  std::optional<Mode> mode;  // default: seasonality_mode
};

struct ProphetOptions {
  Growth growth = Growth::Linear;
  int n_changepoints = 25;
  double changepoint_range = 0.8;
  std::vector<std::int64_t> changepoints_us;  // user changepoints (timestamps, microseconds); overrides n_changepoints
  SeasonalitySwitch yearly, weekly, daily;
  Mode seasonality_mode = Mode::Additive;
  std::optional<Mode> holidays_mode;  // default: seasonality_mode
  double seasonality_prior_scale = 10.0;
  double holidays_prior_scale = 10.0;
  double changepoint_prior_scale = 0.05;
  double interval_width = 0.8;
  int uncertainty_samples = 1000;
  std::uint64_t seed = 0;
  std::vector<Seasonality> custom_seasonalities;  // added before fit, in this order
  std::vector<HolidayEvent> holidays;
  std::vector<Regressor> regressors;
  Algorithm algorithm = Algorithm::Auto;
  int max_iterations = 10000;
  // Not a model setting: how the caller stops a long fit or prediction (cancel.hpp). Models copied
  // from this one (resolved_copy_options, cross-validation's cutoffs) keep it.
  CancelCheck cancelled;
};

// Input frame: timestamps in microseconds since 1970-01-01 (dates: days * 86400e6).
// y is NaN where missing. cap/floor are per row (logistic growth); empty = not given.
struct Frame {
  std::vector<std::int64_t> ds_us;
  std::vector<double> y;
  std::vector<double> cap;
  std::vector<double> floor;
  std::vector<std::pair<std::string, std::vector<double>>> regressors;
};

}  // namespace sluice::prophet
