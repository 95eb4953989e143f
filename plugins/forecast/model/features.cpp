#include "features.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <stdexcept>

#include "gram_blocks.hpp"

namespace sluice::prophet {

std::vector<HolidayColumn> holiday_columns(const std::vector<HolidayEvent>& events, double default_prior_scale) {
  std::map<std::string, HolidayColumn> by_column;  // std::map keeps them sorted by name
  std::map<std::string, double> prior_by_holiday;
  for (const auto& e : events) {
    if (e.lower_window > 0 || e.upper_window < 0)
      throw std::invalid_argument("holiday '" + e.name + "': lower_window must be <= 0 and upper_window >= 0 (got " +
                                  std::to_string(e.lower_window) + ", " + std::to_string(e.upper_window) + ")");
    const double prior = e.prior_scale && std::isfinite(*e.prior_scale) ? *e.prior_scale : default_prior_scale;
    if (!(prior > 0.0))
      throw std::invalid_argument("holiday '" + e.name + "': prior_scale must be > 0");
    auto [it, inserted] = prior_by_holiday.emplace(e.name, prior);
    if (!inserted && it->second != prior)
      throw std::invalid_argument("holiday '" + e.name + "' has different prior_scale values; use one per holiday");
    for (int offset = e.lower_window; offset <= e.upper_window; ++offset) {
      const std::string column =
          e.name + "_delim_" + (offset < 0 ? "-" : "+") + std::to_string(offset < 0 ? -offset : offset);
      HolidayColumn& c = by_column[column];
      c.column = column;
      c.holiday = e.name;
      c.prior_scale = prior;
      c.days.push_back(e.day + offset);
    }
  }
  std::vector<HolidayColumn> out;
  out.reserve(by_column.size());
  for (auto& [name, column] : by_column) {
    std::sort(column.days.begin(), column.days.end());
    column.days.erase(std::unique(column.days.begin(), column.days.end()), column.days.end());
    out.push_back(std::move(column));
  }
  return out;
}

DesignLayout design_layout(const FeatureSpec& spec) {
  DesignLayout L;
  std::vector<double> sig, add;
  std::map<std::string, std::vector<Eigen::Index>> groups;
  auto push = [&](std::string name, double prior, Mode mode, const std::string& component) {
    const auto index = static_cast<Eigen::Index>(L.names.size());
    L.names.push_back(std::move(name));
    sig.push_back(prior);
    add.push_back(mode == Mode::Additive ? 1.0 : 0.0);
    groups[component].push_back(index);
    groups[mode == Mode::Additive ? "additive_terms" : "multiplicative_terms"].push_back(index);
    return index;
  };
  for (const auto& s : spec.seasonalities)
    for (int i = 1; i <= 2 * s.order; ++i) push(s.name + "_delim_" + std::to_string(i), s.prior_scale, s.mode, s.name);
  for (const auto& h : spec.holidays) {
    const Eigen::Index index = push(h.column, h.prior_scale, spec.holidays_mode, h.holiday);
    groups["holidays"].push_back(index);
  }
  for (const auto& r : spec.regressors) {
    const Eigen::Index index = push(r.name, r.prior_scale, r.mode, r.name);
    groups[r.mode == Mode::Additive ? "extra_regressors_additive" : "extra_regressors_multiplicative"].push_back(index);
  }
  groups.try_emplace("additive_terms");
  groups.try_emplace("multiplicative_terms");
  if (L.names.empty()) {  // Stan needs K >= 1
    L.names.push_back("zeros");
    sig.push_back(1.0);
    add.push_back(1.0);
  }
  const auto K = static_cast<Eigen::Index>(L.names.size());
  L.sigmas = Eigen::Map<Eigen::VectorXd>(sig.data(), K);
  L.additive = Eigen::Map<Eigen::VectorXd>(add.data(), K);
  L.multiplicative = Eigen::VectorXd::Ones(K) - L.additive;
  for (auto& [name, cols] : groups) L.components.emplace_back(name, std::move(cols));
  return L;
}

Eigen::MatrixXd design_matrix(const FeatureSpec& spec, const std::vector<std::int64_t>& ds_us,
                              const RegressorValues& regressor_values) {
  const auto T = static_cast<Eigen::Index>(ds_us.size());
  Eigen::Index K = 0;
  for (const auto& s : spec.seasonalities) K += 2 * s.order;
  K += static_cast<Eigen::Index>(spec.holidays.size() + spec.regressors.size());
  if (K == 0) return Eigen::MatrixXd::Zero(T, 1);
  Eigen::MatrixXd X(T, K);
  Eigen::Index col = 0;
  for (const auto& s : spec.seasonalities) {
    for (int i = 1; i <= s.order; ++i) {
      // Same evaluation order as Prophet: (2 * pi * i) * d / period.
      const double w = 2.0 * std::numbers::pi * static_cast<double>(i);
      for (Eigen::Index r = 0; r < T; ++r) {
        const double angle = w * epoch_days(ds_us[static_cast<std::size_t>(r)]) / s.period_days;
        X(r, col) = std::sin(angle);
        X(r, col + 1) = std::cos(angle);
      }
      col += 2;
    }
  }
  for (const auto& h : spec.holidays) {
    for (Eigen::Index r = 0; r < T; ++r) {
      const std::int64_t day = calendar_day(ds_us[static_cast<std::size_t>(r)]);
      X(r, col) = std::binary_search(h.days.begin(), h.days.end(), day) ? 1.0 : 0.0;
    }
    ++col;
  }
  for (const auto& reg : spec.regressors) {
    const auto it = std::find_if(regressor_values.begin(), regressor_values.end(),
                                 [&](const auto& p) { return p.first == reg.name; });
    if (it == regressor_values.end() || it->second.size() != ds_us.size())
      throw std::invalid_argument("extra regressor '" + reg.name + "' is missing from the data (one value per row is needed)");
    for (Eigen::Index r = 0; r < T; ++r) {
      const double v = it->second[static_cast<std::size_t>(r)];
      if (std::isnan(v)) throw std::invalid_argument("extra regressor '" + reg.name + "' has a missing value");
      X(r, col) = (v - reg.mu) / reg.std;
    }
    ++col;
  }
  return X;
}

DesignRows design_rows(const FeatureSpec& spec, std::vector<std::int64_t> ds_us) {
  if (!spec.regressors.empty()) throw std::invalid_argument("design rows cannot be shared by models with extra regressors");
  std::sort(ds_us.begin(), ds_us.end());
  ds_us.erase(std::unique(ds_us.begin(), ds_us.end()), ds_us.end());
  DesignRows rows{spec, std::move(ds_us), {}, std::nullopt};
  rows.X = design_matrix(rows.spec, rows.ds_us, {});
  return rows;
}

namespace {

// Whether two specs give the same design-matrix columns (prior scales and modes do not enter X).
bool same_columns(const FeatureSpec& a, const FeatureSpec& b) {
  if (!a.regressors.empty() || !b.regressors.empty()) return false;
  if (a.seasonalities.size() != b.seasonalities.size() || a.holidays.size() != b.holidays.size()) return false;
  for (std::size_t i = 0; i < a.seasonalities.size(); ++i) {
    const auto &x = a.seasonalities[i], &y = b.seasonalities[i];
    if (x.name != y.name || x.period_days != y.period_days || x.order != y.order) return false;
  }
  for (std::size_t i = 0; i < a.holidays.size(); ++i)
    if (a.holidays[i].column != b.holidays[i].column || a.holidays[i].days != b.holidays[i].days) return false;
  return true;
}

}  // namespace

Eigen::MatrixXd design_matrix(const FeatureSpec& spec, const std::vector<std::int64_t>& ds_us,
                              const RegressorValues& regressor_values, const DesignRows* rows) {
  if (rows == nullptr || !same_columns(spec, rows->spec)) return design_matrix(spec, ds_us, regressor_values);
  // Where each date is among the rows. Dates usually come sorted (a cutoff's training days), so the
  // search starts where the previous one ended.
  std::vector<Eigen::Index> index(ds_us.size());
  const auto begin = rows->ds_us.begin(), end = rows->ds_us.end();
  auto from = begin;
  bool consecutive = true;
  for (std::size_t r = 0; r < ds_us.size(); ++r) {
    if (from != begin && *(from - 1) >= ds_us[r]) from = begin;
    const auto it = from != end && *from == ds_us[r] ? from : std::lower_bound(from, end, ds_us[r]);
    if (it == end || *it != ds_us[r]) return design_matrix(spec, ds_us, regressor_values);
    index[r] = it - begin;
    consecutive = consecutive && (r == 0 || index[r] == index[r - 1] + 1);
    from = it + 1;
  }
  const auto n = static_cast<Eigen::Index>(ds_us.size());
  // Consecutive rows are one block copy; otherwise gather column by column (X is column-major).
  if (consecutive && n > 0) return rows->X.middleRows(index.front(), n);
  Eigen::MatrixXd X(n, rows->X.cols());
  for (Eigen::Index c = 0; c < X.cols(); ++c) {
    const double* source = rows->X.col(c).data();
    double* target = X.col(c).data();
    for (Eigen::Index r = 0; r < n; ++r) target[r] = source[index[static_cast<std::size_t>(r)]];
  }
  return X;
}

void add_prefix_gram(DesignRows& rows, std::vector<std::int64_t> dates, const CancelCheck& cancelled) {
  const Eigen::Index K = rows.X.cols();
  const auto matrices = static_cast<std::size_t>(static_cast<Eigen::Index>(dates.size()) / PrefixGram::kStep + 1);
  if (matrices * static_cast<std::size_t>(K * K) * sizeof(double) > PrefixGram::kMaxBytes) return;
  const Eigen::MatrixXd X = design_matrix(rows.spec, dates, {}, &rows);
  const Eigen::Index step = PrefixGram::kStep;
  PrefixGram gram;
  gram.ds_us = std::move(dates);
  Eigen::MatrixXd running = Eigen::MatrixXd::Zero(K, K);
  gram.sums.push_back(running);
  // Whole blocks only: sums[j] covers exactly the first j * kStep dates.
  add_gram_by_blocks(running, X.topRows(X.rows() / step * step), step, cancelled,
                     [&gram, &running] { gram.sums.push_back(running); });
  rows.gram = std::move(gram);
}

DesignRows cutoff_design_rows(const FeatureSpec& spec, const std::vector<std::int64_t>& ds_us,
                              std::vector<std::int64_t> observed, const CancelCheck& cancelled) {
  DesignRows rows = design_rows(spec, ds_us);
  add_prefix_gram(rows, std::move(observed), cancelled);
  return rows;
}

std::optional<Eigen::MatrixXd> gram_from_prefix(const DesignRows& rows, const FeatureSpec& spec,
                                                const std::vector<std::int64_t>& ds_us, const Eigen::MatrixXd& X) {
  if (!rows.gram || !same_columns(spec, rows.spec) || X.rows() != static_cast<Eigen::Index>(ds_us.size())) return std::nullopt;
  const PrefixGram& gram = *rows.gram;
  if (ds_us.size() > gram.ds_us.size() || !std::equal(ds_us.begin(), ds_us.end(), gram.ds_us.begin())) return std::nullopt;
  const Eigen::Index n = X.rows(), stored = n / PrefixGram::kStep, rest = n - stored * PrefixGram::kStep;
  Eigen::MatrixXd xtx = gram.sums[static_cast<std::size_t>(stored)];
  if (rest > 0) xtx.selfadjointView<Eigen::Lower>().rankUpdate(X.bottomRows(rest).transpose());
  return xtx;
}

}  // namespace sluice::prophet
