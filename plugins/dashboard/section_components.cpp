// Components of the total forecast, in the spirit of Prophet's plot_components:
// trend over time, the average weekday effect, and the time-of-year effect.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "format.hpp"
#include "html.hpp"
#include "sections.hpp"
#include "svg_chart.hpp"
#include "theme.hpp"

namespace sluice::dashboard {

namespace {
// A non-leap reference year, so the yearly effect reads Jan..Dec whatever years the data spans.
constexpr int kReferenceYear = 2001;

std::string trend_chart(const ForecastSeries& s) {
  LineChart c;
  c.id = "chart-trend";
  c.width = 540;
  c.height = 240;
  c.aria_label = "Trend component of the total forecast from " + iso_date(s.ds.front()) + " to " + iso_date(s.ds.back()) + ".";
  LineSeries history{"Trend", theme::kActual, {}, {}, 2.0, false, false};
  LineSeries future{"Trend (forecast)", theme::kForecast, {}, {}, 2.0, true, false};
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto& target = s.is_forecast[i] ? future : history;
    target.x.push_back(static_cast<double>(s.ds[i]));
    target.y.push_back(s.trend[i]);
  }
  c.lines = {std::move(history), std::move(future)};
  if (const auto today = s.last_observed()) c.marker = VerticalMarker{static_cast<double>(*today), "today"};
  return render_line_chart(c);
}

std::string weekly_chart(const ForecastSeries& s) {
  std::array<double, 7> sum{};
  std::array<int, 7> n{};
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!std::isfinite(s.weekly[i])) continue;
    const int w = weekday_index(s.ds[i]);
    sum[static_cast<std::size_t>(w)] += s.weekly[i];
    ++n[static_cast<std::size_t>(w)];
  }
  BarChart c;
  c.id = "chart-weekly";
  c.width = 540;
  c.height = 240;
  c.legend = false;
  c.aria_label = "Weekly component: the average effect of each weekday on daily sales.";
  BarGroup g{"Weekly effect", theme::kForecast, {}};
  for (int w = 0; w < 7; ++w) {
    c.categories.emplace_back(weekday_short(w));
    const auto k = static_cast<std::size_t>(w);
    g.values.push_back(n[k] > 0 ? sum[k] / n[k] : std::nan(""));
  }
  c.groups.push_back(std::move(g));
  return render_bar_chart(c);
}

std::string yearly_chart(const ForecastSeries& s) {
  // The most recent value for each calendar day, mapped onto the reference year.
  std::map<std::int64_t, double> by_day;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!std::isfinite(s.yearly[i])) continue;
    int y;
    unsigned m, d;
    civil_from_days(s.ds[i], y, m, d);
    if (m == 2 && d == 29) continue;
    by_day[days_from_civil(kReferenceYear, m, d)] = s.yearly[i];
  }
  LineChart c;
  c.id = "chart-yearly";
  c.width = 540;
  c.height = 240;
  c.legend = false;
  c.x_scale = XScale::DayOfYear;
  c.aria_label = "Yearly component: the effect of the time of year on daily sales, January to December.";
  LineSeries line{"Yearly effect", theme::kForecast, {}, {}, 2.0, false, false};
  for (const auto& [day, v] : by_day) line.x.push_back(static_cast<double>(day)), line.y.push_back(v);
  c.lines.push_back(std::move(line));
  c.hlines.push_back({0.0, "", "#94a3b8"});
  return render_line_chart(c);
}

std::string holidays_chart(const ForecastSeries& s) {
  LineChart c;
  c.id = "chart-holidays";
  c.width = 540;
  c.height = 240;
  c.legend = false;
  c.aria_label = "Holiday component: the effect of holidays on daily sales.";
  LineSeries line{"Holiday effect", theme::kBaseline, {}, {}, 1.6, false, false};
  const auto today = s.last_observed();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (today && s.ds[i] <= *today - 365) continue;
    line.x.push_back(static_cast<double>(s.ds[i])), line.y.push_back(s.holidays[i]);
  }
  c.lines.push_back(std::move(line));
  if (today) c.marker = VerticalMarker{static_cast<double>(*today), "today"};
  return render_line_chart(c);
}

std::string component_card(const std::string& title, const std::string& note, const std::string& svg) {
  Markup m;
  m.open("figure", {{"class", "card chart-card"}});
  m.element("figcaption", {}, title);
  m.raw(svg);
  m.element("p", {{"class", "hint"}}, note);
  m.close("figure");
  return m.take();
}

// Zero (or null) on every day: the model has no such component, e.g. a seasonality that is off.
bool all_zero(const std::vector<double>& component) {
  return std::none_of(component.begin(), component.end(), [](double v) { return std::isfinite(v) && v != 0; });
}

// In place of the chart of a seasonality the model does not have (off, or "auto" on a history too short
// for it): a flat line at zero would read as a measured "no effect".
std::string seasonality_off_card(const std::string& title) {
  return component_card(title, title + " seasonality is off in this forecast (its component is zero on every day), "
                                       "so there is no effect to draw.", "");
}
}  // namespace

std::string components_section(const PageData& d) {
  Markup m;
  m.open("section", {{"id", "components"}, {"aria-labelledby", "components-h"}});
  m.element("h2", {{"id", "components-h"}}, "Components");
  const ForecastSeries& s = d.total;
  if (!s.has_components || s.size() == 0) {
    m.element("p", {{"class", "empty"}},
              "The forecast has no trend/weekly/yearly columns, so its components cannot be shown.");
    m.close("section");
    return m.take();
  }
  m.element("p", {{"class", "lead"}},
            "The total forecast is the sum of these parts (additive model): values are in sales units, "
            "relative to the trend.");
  m.open("div", {{"class", "grid-2"}});
  m.raw(component_card("Trend", "The long-run level of daily sales; dashed where it is extrapolated.", trend_chart(s)));
  m.raw(all_zero(s.weekly)
            ? seasonality_off_card("Weekly")
            : component_card("Weekly", "Average effect of each weekday compared with the trend.", weekly_chart(s)));
  m.raw(all_zero(s.yearly) ? seasonality_off_card("Yearly")
                           : component_card("Yearly", "Effect of the time of year (latest fitted value for each calendar day).",
                                            yearly_chart(s)));
  if (!all_zero(s.holidays))
    m.raw(component_card("Holidays", "Effect of holidays over the last year and the forecast period.",
                         holidays_chart(s)));
  m.close("div");
  m.close("section");
  return m.take();
}

}  // namespace sluice::dashboard
