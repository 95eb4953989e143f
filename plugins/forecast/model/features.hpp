#pragma once
// The design matrix X (§3): Fourier seasonalities from absolute dates, holiday
// indicator columns sorted by name, then standardised extra regressors.
#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <optional>
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

// X'X over the leading dates of an ascending list, kept every kStep dates: a model fitted on the first
// n of those dates (a cutoff's training days) adds fewer than kStep rows to a stored sum instead of
// forming X'X from all n rows.
struct PrefixGram {
  static constexpr Eigen::Index kStep = 32;
  // The sums hold dates / kStep + 1 matrices of K x K: with hundreds of columns over years of days that
  // is gigabytes, so past this many bytes they are not kept and each fit forms its own X'X.
  static constexpr std::size_t kMaxBytes = std::size_t{256} << 20;
  std::vector<std::int64_t> ds_us;   // ascending, distinct
  std::vector<Eigen::MatrixXd> sums;  // sums[j]: X'X of the first j * kStep dates (lower triangle)
};

// Design-matrix rows computed once for a set of dates, so that models fitted on subsets of those dates
// (the cutoffs of a cross-validation) copy their rows instead of recomputing the Fourier terms.
struct DesignRows {
  FeatureSpec spec;                 // the features the rows belong to
  std::vector<std::int64_t> ds_us;  // sorted ascending, distinct
  Eigen::MatrixXd X;                // design_matrix(spec, ds_us, {})
  std::optional<PrefixGram> gram;   // see add_prefix_gram
};
// Throws std::invalid_argument when the spec has extra regressors (their scaling depends on the fit).
DesignRows design_rows(const FeatureSpec& spec, std::vector<std::int64_t> ds_us);
// Adds rows.gram over `dates` (ascending, distinct: the dates that fits take their training days
// from, in order; usually all of them among rows.ds_us), unless the sums would take more than
// PrefixGram::kMaxBytes. Asks `cancelled` before every block of kStep rows and throws Cancelled once it
// returns true.
void add_prefix_gram(DesignRows& rows, std::vector<std::int64_t> dates, const CancelCheck& cancelled = {});
// What cross-validation shares between its cutoff models: the design rows of every date of the series
// and the prefix sums of X'X over its observed dates (training days are the observed ones up to a cutoff).
DesignRows cutoff_design_rows(const FeatureSpec& spec, const std::vector<std::int64_t>& ds_us,
                              std::vector<std::int64_t> observed, const CancelCheck& cancelled = {});
// The lower triangle of X'X for X = design_matrix(spec, ds_us, {}, &rows), from rows.gram when rows
// hold it for the same columns and ds_us are its first dates; nullopt otherwise. Equal to X'X formed
// directly up to rounding (the rows are summed in a different order).
std::optional<Eigen::MatrixXd> gram_from_prefix(const DesignRows& rows, const FeatureSpec& spec,
                                                const std::vector<std::int64_t>& ds_us, const Eigen::MatrixXd& X);
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
