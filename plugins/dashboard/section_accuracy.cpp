// Accuracy: backtest metrics by horizon for each model against the
// seasonal-naive baseline, averaged over stores.
#include <cmath>
#include <vector>

#include "format.hpp"
#include "html.hpp"
#include "sections.hpp"
#include "svg_chart.hpp"
#include "theme.hpp"

namespace sluice::dashboard {

namespace {
constexpr double kTargetCoverage = 0.8;  // the band is an 80% interval

std::string model_color(const std::string& model, std::size_t index) {
  static const char* const extra[] = {"#2563eb", "#7c3aed", "#0d9488", "#db2777"};
  if (model == kBaselineModel) return theme::kBaseline;
  return extra[index % 4];
}

double metric(const AccuracyTable& t, const std::string& model, std::int64_t h, bool coverage) {
  const auto it = t.by_model_horizon.find({model, h});
  if (it == t.by_model_horizon.end()) return std::nan("");
  return coverage ? it->second.coverage : it->second.mape;
}

std::string metric_chart(const AccuracyTable& t, bool coverage) {
  LineChart c;
  c.id = coverage ? "chart-coverage" : "chart-mape";
  c.width = 540;
  c.height = 260;
  c.x_scale = XScale::Numbers;
  c.x_unit = " d";
  c.y_format = ValueFormat::Percent;
  c.y_from_zero = !coverage;  // MAPE from zero; coverage zoomed around the 80% target
  c.aria_label = coverage ? "Coverage of the 80% interval by forecast horizon, per model."
                          : "Mean absolute percentage error by forecast horizon, per model.";
  const bool points = t.horizons.size() <= 40;
  for (std::size_t i = 0; i < t.models.size(); ++i) {
    LineSeries s{t.models[i], model_color(t.models[i], i), {}, {}, 2.0, t.models[i] == kBaselineModel, points};
    bool any = false;
    for (auto h : t.horizons) {
      const double v = metric(t, t.models[i], h, coverage);
      s.x.push_back(static_cast<double>(h)), s.y.push_back(v);
      any = any || std::isfinite(v);
    }
    if (any) c.lines.push_back(std::move(s));
  }
  if (c.lines.empty()) {
    // Axes around no line would show a scale that no data has.
    Markup m;
    m.element("p", {{"class", "empty"}},
              coverage ? "No coverage values to plot." : "No MAPE values to plot (MAPE is null when an actual value is 0).");
    return m.take();
  }
  if (coverage) c.hlines.push_back({kTargetCoverage, "80% target", "#16a34a"});
  return render_line_chart(c);
}

// Long horizon lists are summarised in the table (the chart shows every horizon):
// the first, every week, and the last.
std::vector<std::int64_t> table_horizons(const std::vector<std::int64_t>& all) {
  if (all.size() <= 10) return all;
  std::vector<std::int64_t> picked;
  for (auto h : all)
    if (h == all.front() || h % 7 == 0 || h == all.back()) picked.push_back(h);
  return picked;
}

bool has_coverage(const AccuracyTable& t, const std::string& model) {
  const auto it = t.by_model.find(model);
  return it != t.by_model.end() && it->second.coverage_n > 0;
}

std::string metric_cell(const std::string& model, std::int64_t h, const char* name, double v, const std::string& cls) {
  Markup m;
  m.element("td", {{"class", "num " + cls}, {"data-model", model}, {"data-horizon", std::to_string(h)},
                   {"data-metric", name}, {"data-value", exact_number(v)}},
            format_percent(v));
  return m.take();
}
// Whether `model` beats the baseline on mean MAPE, and at how many horizons.
void verdict(Markup& m, const AccuracyTable& t, const std::string& model) {
  int wins = 0, compared = 0;
  for (auto h : t.horizons) {
    const double a = metric(t, model, h, false), b = metric(t, kBaselineModel, h, false);
    if (!std::isfinite(a) || !std::isfinite(b)) continue;
    ++compared;
    wins += a < b;
  }
  if (compared == 0) {
    // Nothing was won or lost: "does not beat, n/a vs n/a" would read as a loss.
    m.element("p", {{"class", "verdict"}, {"id", "accuracy-verdict"}, {"data-compared", "0"}},
              "No horizon has a MAPE for both " + model + " and the seasonal-naive baseline (the backtest leaves MAPE "
              "null when an actual value is 0), so no comparison is made.");
    return;
  }
  const double mm = t.by_model.at(model).mape, bm = t.by_model.at(kBaselineModel).mape;
  const bool beats = std::isfinite(mm) && std::isfinite(bm) && mm < bm;
  std::string text = beats ? model + " beats the seasonal-naive baseline: " : model + " does not beat the seasonal-naive baseline: ";
  text += "mean MAPE " + format_percent(mm) + " vs " + format_percent(bm) + ", lower at " + std::to_string(wins) +
          " of " + std::to_string(compared) + " horizons.";
  m.element("p", {{"class", beats ? "verdict good" : "verdict poor"}, {"id", "accuracy-verdict"},
                  {"data-beats", beats ? "true" : "false"}, {"data-wins", std::to_string(wins)},
                  {"data-compared", std::to_string(compared)}},
            text);
}
}  // namespace

std::string accuracy_section(const PageData& d) {
  Markup m;
  m.open("section", {{"id", "accuracy"}, {"aria-labelledby", "accuracy-h"}});
  m.element("h2", {{"id", "accuracy-h"}}, "Accuracy");
  if (!d.accuracy || d.accuracy->models.empty()) {
    m.element("p", {{"class", "empty"}},
              d.accuracy ? "No backtest metrics yet: no series has enough history to backtest."
                         : "No backtest metrics: connect the output of sluice.backtest to the 'metrics' input to "
                           "compare the model with the seasonal-naive baseline.");
    m.close("section");
    return m.take();
  }
  const AccuracyTable& t = *d.accuracy;
  const std::string& model = t.models.front();
  if (model != kBaselineModel && t.by_model.count(kBaselineModel) > 0) {
    verdict(m, t, model);
  } else {
    m.element("p", {{"class", "verdict"}, {"id", "accuracy-verdict"}},
              "The metrics do not contain both a model and the seasonal_naive baseline, so no comparison is made.");
  }
  m.open("div", {{"class", "grid-2"}});
  m.open("figure", {{"class", "card chart-card"}});
  m.element("figcaption", {}, "MAPE by horizon (lower is better)");
  m.raw(metric_chart(t, false));
  m.close("figure");
  m.open("figure", {{"class", "card chart-card"}});
  m.element("figcaption", {}, "Interval coverage by horizon (target 80%)");
  m.raw(metric_chart(t, true));
  m.close("figure");
  m.close("div");

  m.open("div", {{"class", "card table-card"}});
  m.element("h3", {}, "Backtest metrics, averaged over stores");
  m.open("div", {{"class", "scroll"}});
  m.open("table", {{"class", "data"}, {"id", "accuracy-table"}});
  m.raw("<thead><tr><th scope=\"col\">Horizon</th>");
  for (const auto& name : t.models) {
    m.element("th", {{"scope", "col"}, {"class", "num"}}, name + " MAPE");
    if (has_coverage(t, name)) m.element("th", {{"scope", "col"}, {"class", "num"}}, name + " coverage");
  }
  m.raw("</tr></thead><tbody>");
  const std::vector<std::int64_t> rows = table_horizons(t.horizons);
  for (auto h : rows) {
    const double best_mape = [&] {
      double best = INFINITY;
      for (const auto& name : t.models) {
        const double v = metric(t, name, h, false);
        if (std::isfinite(v)) best = std::min(best, v);
      }
      return best;
    }();
    m.raw("<tr>");
    m.element("th", {{"scope", "row"}}, std::to_string(h) + (h == 1 ? " day" : " days"));
    for (const auto& name : t.models) {
      const double mape = metric(t, name, h, false), cov = metric(t, name, h, true);
      m.raw(metric_cell(name, h, "mape", mape, mape == best_mape && t.models.size() > 1 ? "best" : ""));
      if (has_coverage(t, name)) m.raw(metric_cell(name, h, "coverage", cov, ""));
    }
    m.raw("</tr>");
  }
  m.raw("</tbody></table>");
  m.close("div");
  m.element("p", {{"class", "hint"}},
            std::string(rows.size() < t.horizons.size() ? "Selected horizons (the first, weekly, the last); the chart "
                                                          "shows all " + std::to_string(t.horizons.size()) + ". "
                                                        : "") +
                "MAPE: mean absolute percentage error of the backtest forecasts (undefined days with zero sales are "
                "skipped). Coverage: share of actual values inside the 80% interval. Bold: the lowest MAPE at that "
                "horizon.");
  m.close("div");
  m.close("section");
  return m.take();
}

}  // namespace sluice::dashboard
