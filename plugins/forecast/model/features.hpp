#pragma once
// The design matrix X (§3): Fourier seasonalities from absolute dates, holiday
// indicator columns sorted by name, then standardised extra regressors.
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "options.hpp"

namespace sluice::prophet {

struct ResolvedSeasonality {
  std::string name;
  double period_days = 0.0;
  int order = 0;
  double prior_scale = 10.0;
  Mode mode = Mode::Additive;
};

struct HolidayColumn {
  std::string column;   // "<holiday>_delim_<+|-><offset>"
  std::string holiday;  // the holiday's name
  std::vector<std::int64_t> days;  // calendar days (since epoch) on which the column is 1, sorted
  double prior_scale = 10.0;
};

struct ResolvedRegressor {
  std::string name;
  double mu = 0.0, std = 1.0;
  double prior_scale = 10.0;
  Mode mode = Mode::Additive;
};

struct FeatureSpec {
  std::vector<ResolvedSeasonality> seasonalities;
  std::vector<HolidayColumn> holidays;  // sorted by column name
  Mode holidays_mode = Mode::Additive;
  std::vector<ResolvedRegressor> regressors;
};

using RegressorValues = std::vector<std::pair<std::string, std::vector<double>>>;

// Column metadata: names, prior scales, modes and the component groups.
struct DesignLayout {
  std::vector<std::string> names;
  Eigen::VectorXd sigmas, additive, multiplicative;
  // component name -> column indices (sorted by component name)
  std::vector<std::pair<std::string, std::vector<Eigen::Index>>> components;
};

// Builds holiday columns from events (sorted by column name); throws std::invalid_argument
// for a bad window or inconsistent prior scales.
std::vector<HolidayColumn> holiday_columns(const std::vector<HolidayEvent>& events, double default_prior_scale);

DesignLayout design_layout(const FeatureSpec& spec);
// Rows follow ds_us; regressor values must hold every regressor of the spec (raw, unstandardised).
Eigen::MatrixXd design_matrix(const FeatureSpec& spec, const std::vector<std::int64_t>& ds_us,
                              const RegressorValues& regressor_values);

// Design-matrix rows computed once for a set of dates, so that models fitted on subsets of those dates
// (the cutoffs of a cross-validation) copy their rows instead of recomputing the Fourier terms.
struct DesignRows {
  FeatureSpec spec;                 // the features the rows belong to
  std::vector<std::int64_t> ds_us;  // sorted ascending, distinct
  Eigen::MatrixXd X;                // design_matrix(spec, ds_us, {})
};
// Throws std::invalid_argument when the spec has extra regressors (their scaling depends on the fit).
DesignRows design_rows(const FeatureSpec& spec, std::vector<std::int64_t> ds_us);
// design_matrix(spec, ds_us, regressor_values), with the rows copied from `rows` when `rows` is not null,
// holds every date of ds_us and was computed for the same columns. The result is the same either way.
Eigen::MatrixXd design_matrix(const FeatureSpec& spec, const std::vector<std::int64_t>& ds_us,
                              const RegressorValues& regressor_values, const DesignRows* rows);

// Days since 1970-01-01 as a real number (Prophet's Fourier time base).
inline double epoch_days(std::int64_t ds_us) { return static_cast<double>(ds_us) / 86'400'000'000.0; }
// Calendar day of a timestamp (floor division).
inline std::int64_t calendar_day(std::int64_t ds_us) {
  constexpr std::int64_t day = 86'400'000'000LL;
  return ds_us >= 0 ? ds_us / day : -((-ds_us + day - 1) / day);
}

}  // namespace sluice::prophet
