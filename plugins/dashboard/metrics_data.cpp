// Reading the optional inputs: backtest metrics (averaged over stores) and the store dimension.
#include <algorithm>
#include <cmath>
#include <sluice/errors.hpp>

#include "forecast_data.hpp"
#include "input_columns.hpp"

namespace sluice::dashboard {

using input::kNaN;
using input::mean_or_nan;
using input::need;
using input::num_at;

AccuracyTable summarize_metrics(const Table& metrics, const std::string& key_column) {
  constexpr const char* shape =
      "the metrics table needs model, horizon_days, mape, coverage; connect the output of sluice.backtest";
  const std::string port = "metrics";
  const Column& model = need(metrics, "model", {ColumnType::String}, port, shape);
  const Column& horizon = need(metrics, "horizon_days", {ColumnType::Int64, ColumnType::Double}, port, shape);
  const Column& mape = need(metrics, "mape", {ColumnType::Double, ColumnType::Int64}, port, shape);
  const Column& coverage = need(metrics, "coverage", {ColumnType::Double, ColumnType::Int64}, port, shape);
  const Column* rmse = metrics.find("rmse");
  const Column* mae = metrics.find("mae");
  const Column* key = metrics.find(key_column);

  struct Sums {
    double mape = 0, coverage = 0, rmse = 0, mae = 0;
    int mape_n = 0, coverage_n = 0, rmse_n = 0, mae_n = 0;
    void add(double m, double c, double r, double a) {
      if (std::isfinite(m)) mape += m, ++mape_n;
      if (std::isfinite(c)) coverage += c, ++coverage_n;
      if (std::isfinite(r)) rmse += r, ++rmse_n;
      if (std::isfinite(a)) mae += a, ++mae_n;
    }
    MetricMeans means() const {
      return {mean_or_nan(mape, mape_n), mean_or_nan(coverage, coverage_n), mean_or_nan(rmse, rmse_n),
              mean_or_nan(mae, mae_n), mape_n, coverage_n, rmse_n, mae_n};
    }
  };
  std::map<std::pair<std::string, std::int64_t>, Sums> mh;
  std::map<std::pair<std::string, std::string>, Sums> km;
  std::map<std::string, Sums> m_all;
  for (std::size_t row = 0; row < metrics.num_rows(); ++row) {
    if (model.is_null(row) || horizon.is_null(row)) continue;
    const std::string name(model.string_at(row));
    const auto h = static_cast<std::int64_t>(std::llround(horizon.numeric_at(row)));
    const double m = num_at(&mape, row), c = num_at(&coverage, row), r = num_at(rmse, row), a = num_at(mae, row);
    mh[{name, h}].add(m, c, r, a);
    m_all[name].add(m, c, r, a);
    if (key != nullptr) km[{key_text(*key, row), name}].add(m, c, r, a);
  }
  AccuracyTable t;
  for (const auto& [name, sums] : m_all) {
    t.models.push_back(name);
    t.by_model[name] = sums.means();
  }
  // The baseline goes last so the model(s) lead every table row.
  std::stable_partition(t.models.begin(), t.models.end(), [](const std::string& m) { return m != kBaselineModel; });
  for (const auto& [k, sums] : mh) {
    t.by_model_horizon[k] = sums.means();
    if (std::find(t.horizons.begin(), t.horizons.end(), k.second) == t.horizons.end()) t.horizons.push_back(k.second);
  }
  std::sort(t.horizons.begin(), t.horizons.end());
  for (const auto& [k, sums] : km) t.by_key_model[k] = sums.means();
  return t;
}

std::map<std::string, StoreInfo> read_stores(const Table& stores, const std::string& key_column,
                                             const std::string& label_column) {
  const Column* key = stores.find(key_column);
  if (key == nullptr) key = stores.find("store_id");
  if (key == nullptr)
    throw MissingColumn("input 'stores': missing column '" + key_column +
                        "' (the stores table needs the key column and a label column such as name)");
  const Column* label = stores.find(label_column);
  if (label == nullptr)
    throw param_error("store_label", "the stores table has no column '" + label_column +
                                         "'; set store_label to one of its columns");
  const Column* city = stores.find("city");
  std::map<std::string, StoreInfo> out;
  for (std::size_t row = 0; row < stores.num_rows(); ++row) {
    StoreInfo info;
    // A store without a name is shown by its key, as one missing from the table is.
    if (!label->is_null(row)) info.label = key_text(*label, row);
    if (city != nullptr && !city->is_null(row)) info.city = key_text(*city, row);
    out[key_text(*key, row)] = std::move(info);
  }
  return out;
}

}  // namespace sluice::dashboard
