// Line charts: series, bands, reference lines, a marker and per-x tooltips.
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "svg_chart.hpp"
#include "svg_parts.hpp"
#include "theme.hpp"

namespace sluice::dashboard {

using namespace svg;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string x_tooltip_label(double x, XScale scale, const std::string& unit) {
  const auto day = static_cast<std::int64_t>(std::llround(x));
  switch (scale) {
    case XScale::Dates: return std::string(weekday_short(weekday_index(day))) + " " + iso_date(day);
    case XScale::DayOfYear: return month_day(day);
    case XScale::Numbers: break;
  }
  return format_number(x, std::fabs(x - std::round(x)) < 1e-9 ? 0 : 2) + unit;
}

// Builds "M..L.." path data; NaN values split the line into segments.
std::string line_path(const std::vector<double>& xs, const std::vector<double>& ys, const Scale& sx, const Scale& sy) {
  std::string d;
  bool pen_down = false;
  for (std::size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    if (!std::isfinite(ys[i])) {
      pen_down = false;
      continue;
    }
    d += pen_down ? 'L' : 'M';
    d += px(sx(xs[i])) + "," + px(sy(ys[i]));
    pen_down = true;
  }
  return d;
}

// Closed polygons for a band: upper edge forward, lower edge back, per unbroken run.
std::string band_path(const BandSeries& b, const Scale& sx, const Scale& sy) {
  std::string d;
  const std::size_t n = std::min({b.x.size(), b.lo.size(), b.hi.size()});
  std::size_t i = 0;
  while (i < n) {
    while (i < n && !(std::isfinite(b.lo[i]) && std::isfinite(b.hi[i]))) ++i;
    const std::size_t start = i;
    while (i < n && std::isfinite(b.lo[i]) && std::isfinite(b.hi[i])) ++i;
    if (i == start) continue;
    for (std::size_t k = start; k < i; ++k) d += (k == start ? "M" : "L") + px(sx(b.x[k])) + "," + px(sy(b.hi[k]));
    for (std::size_t k = i; k-- > start;) d += "L" + px(sx(b.x[k])) + "," + px(sy(b.lo[k]));
    d += 'Z';
  }
  return d;
}

// Index of x in a series (series x ascending), or ys.size() when the series has no point there.
std::size_t point_index(const std::vector<double>& xs, const std::vector<double>& ys, double x) {
  const auto it = std::lower_bound(xs.begin(), xs.end(), x);
  if (it == xs.end() || *it != x) return ys.size();
  return std::min(static_cast<std::size_t>(it - xs.begin()), ys.size());
}

// "lo – hi"; "n/a" (a null, as format_value prints it) unless both bounds are known.
std::string interval_text(double lo, double hi, ValueFormat format) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return format_value(kNaN, format);
  return format_value(lo, format) + " – " + format_value(hi, format);
}

}  // namespace

std::string format_value(double value, ValueFormat format) {
  return format == ValueFormat::Percent ? format_percent(value) : format_amount(value);
}

std::string render_line_chart(const LineChart& c) {
  // Domains from every finite value the chart draws.
  double x_min = std::numeric_limits<double>::infinity(), x_max = -x_min;
  double y_min = x_min, y_max = -x_min;
  auto take_x = [&](const std::vector<double>& xs) {
    for (double x : xs) x_min = std::min(x_min, x), x_max = std::max(x_max, x);
  };
  auto take_y = [&](const std::vector<double>& ys) {
    for (double y : ys)
      if (std::isfinite(y)) y_min = std::min(y_min, y), y_max = std::max(y_max, y);
  };
  for (const auto& l : c.lines) take_x(l.x), take_y(l.y);
  for (const auto& b : c.bands) take_x(b.x), take_y(b.lo), take_y(b.hi);
  for (const auto& h : c.hlines) take_y({h.y});
  if (c.y_from_zero) take_y({0.0});
  if (!std::isfinite(x_min)) x_min = 0, x_max = 1;
  if (x_min == x_max) x_min -= 1, x_max += 1;
  if (!std::isfinite(y_min)) y_min = 0, y_max = 1;

  const bool small = c.width < 500;
  const double heading_h = c.heading.empty() ? 0.0 : 28.0;
  const Frame f{small ? 52.0 : 64.0, heading_h + (c.legend ? 34.0 : 12.0), c.width - 14.0, c.height - 26.0};
  const Ticks yt = nice_ticks(y_min, y_max, std::max(3, static_cast<int>(f.height() / 55)));
  const Scale sx{x_min, x_max, f.left, f.right};
  const Scale sy{yt.lo, yt.hi, f.bottom, f.top};

  Markup m;
  open_svg(m, c.id, c.aria_label, c.width, c.height);
  draw_y_axis(m, f, yt, sy, c.y_format);

  open_x_axis(m, f);
  const int x_target = std::max(2, static_cast<int>(f.width() / (small ? 70 : 90)));
  if (c.x_scale == XScale::Numbers) {
    const Ticks xt = nice_ticks(x_min, x_max, x_target);
    for (double v : xt.values())
      if (v >= x_min - 1e-9 && v <= x_max + 1e-9) draw_x_tick(m, f, sx(v), format_number(v, xt.decimals) + c.x_unit);
  } else {
    for (const auto& t : date_ticks(static_cast<std::int64_t>(x_min), static_cast<std::int64_t>(x_max), x_target,
                                    c.x_scale == XScale::Dates))
      draw_x_tick(m, f, sx(static_cast<double>(t.day)), t.label);
  }
  m.close("g");

  std::vector<LegendItem> legend, legend_refs;
  m.open("g", {{"class", "series"}});
  for (const auto& b : c.bands) {
    m.empty("path", {{"d", band_path(b, sx, sy)}, {"fill", b.color}, {"fill-opacity", exact_number(b.opacity)},
                     {"stroke", "none"}});
    legend.push_back({b.name, b.color, LegendItem::Area, std::min(1.0, b.opacity * 2)});
  }
  for (const auto& h : c.hlines) {
    const double y = sy(h.y);
    m.empty("line", {{"x1", px(f.left)}, {"x2", px(f.right)}, {"y1", px(y)}, {"y2", px(y)}, {"stroke", h.color},
                     {"stroke-width", "1.5"}, {"stroke-dasharray", "2 3"}});
    // Labelled reference lines go in the legend: a label inside the plot would cover the data.
    if (!h.label.empty()) {
      if (c.legend) legend_refs.push_back({h.label, h.color, LegendItem::Dashed});
      else m.element("text", {{"x", px(f.right - 4)}, {"y", px(y - 5)}, {"text-anchor", "end"}, {"fill", h.color}}, h.label);
    }
  }
  for (const auto& l : c.lines) {
    m.empty("path", {{"d", line_path(l.x, l.y, sx, sy)}, {"fill", "none"}, {"stroke", l.color},
                     {"stroke-width", exact_number(l.stroke_width)}, {"stroke-linejoin", "round"},
                     {"stroke-linecap", "round"}, {"stroke-dasharray", l.dashed ? "6 4" : "none"}});
    if (l.points) {
      for (std::size_t i = 0; i < l.x.size() && i < l.y.size(); ++i)
        if (std::isfinite(l.y[i]))
          m.empty("circle", {{"cx", px(sx(l.x[i]))}, {"cy", px(sy(l.y[i]))}, {"r", "3"}, {"fill", l.color}});
    }
    legend.push_back({l.name, l.color, l.dashed ? LegendItem::Dashed : LegendItem::Line});
  }
  if (c.marker && c.marker->x >= x_min && c.marker->x <= x_max) {
    const double x = sx(c.marker->x);
    m.empty("line", {{"class", "marker"}, {"x1", px(x)}, {"x2", px(x)}, {"y1", px(f.top)}, {"y2", px(f.bottom)},
                     {"stroke", theme::kMarker}, {"stroke-width", "1.5"}, {"stroke-dasharray", "4 3"}});
    // The label sits left of the line so it never covers the forecast.
    m.element("text", {{"x", px(x - 5)}, {"y", px(f.top + 12)}, {"text-anchor", "end"}, {"fill", theme::kMarker},
                       {"font-weight", "600"}},
              c.marker->label);
  }
  m.close("g");
  legend.insert(legend.end(), legend_refs.begin(), legend_refs.end());
  if (!c.heading.empty())
    m.element("text", {{"x", px(f.left)}, {"y", "22"}, {"font-size", "17"}, {"font-weight", "650"}, {"fill", theme::kText}},
              c.heading);
  if (c.legend) draw_legend(m, legend, f.left, 16 + heading_h);

  // Hover layer: one column per distinct x.
  std::set<double> xs_set;
  for (const auto& l : c.lines) xs_set.insert(l.x.begin(), l.x.end());
  for (const auto& b : c.bands) xs_set.insert(b.x.begin(), b.x.end());
  const std::vector<double> xs(xs_set.begin(), xs_set.end());
  open_hover_group(m);
  draw_guide(m, f);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    std::string tip = x_tooltip_label(xs[i], c.x_scale, c.x_unit);
    // Every series with a point at this x is listed, and a null value reads "n/a": a day without a
    // forecast is not a forecast of 0.
    for (const auto& l : c.lines) {
      const std::size_t at = point_index(l.x, l.y, xs[i]);
      if (at < l.y.size()) tip += "\n" + l.name + ": " + format_value(l.y[at], c.y_format);
    }
    for (const auto& b : c.bands) {
      const std::size_t at = point_index(b.x, b.lo, xs[i]);
      if (at < b.lo.size() && at < b.hi.size()) tip += "\n" + b.name + ": " + interval_text(b.lo[at], b.hi[at], c.y_format);
    }
    const double gx = sx(xs[i]);
    const double left = i == 0 ? f.left : (gx + sx(xs[i - 1])) / 2;
    const double right = i + 1 == xs.size() ? f.right : (gx + sx(xs[i + 1])) / 2;
    draw_hover_column(m, f, left, right, gx, tip);
  }
  m.close("g");
  m.close("svg");
  return m.take();
}

}  // namespace sluice::dashboard
