#include "svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

#include "format.hpp"
#include "html.hpp"
#include "theme.hpp"

namespace sluice::dashboard {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kFontPx = 12.0;

struct Frame {
  double left, top, right, bottom;  // plot area in px
  double width() const { return right - left; }
  double height() const { return bottom - top; }
};

// Linear map from a data domain to a pixel range.
struct Scale {
  double d0, d1, r0, r1;
  double operator()(double v) const { return d1 == d0 ? (r0 + r1) / 2 : r0 + (v - d0) / (d1 - d0) * (r1 - r0); }
};

// Pixel coordinates with one decimal keep the SVG small and still smooth.
std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s(buf);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s == "-0" ? "0" : s;
}

// Rough text width for layout (no font metrics available server-side).
double text_width(std::string_view s) {
  std::size_t code_points = 0;
  for (char c : s) code_points += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return static_cast<double>(code_points) * kFontPx * 0.6;
}

std::string axis_label(double v, const Ticks& ticks, ValueFormat format) {
  if (format == ValueFormat::Percent) return format_number(v * 100.0, std::max(0, ticks.decimals - 2)) + "%";
  return format_number(v, ticks.decimals);
}

std::string x_tooltip_label(double x, XScale scale, const std::string& unit) {
  const auto day = static_cast<std::int64_t>(std::llround(x));
  switch (scale) {
    case XScale::Dates: return std::string(weekday_short(weekday_index(day))) + " " + iso_date(day);
    case XScale::DayOfYear: return month_day(day);
    case XScale::Numbers: break;
  }
  return format_number(x, std::fabs(x - std::round(x)) < 1e-9 ? 0 : 2) + unit;
}

void open_svg(Markup& m, const std::string& id, const std::string& aria, int width, int height) {
  const std::string w = std::to_string(width), h = std::to_string(height);
  m.open("svg", {{"xmlns", "http://www.w3.org/2000/svg"},
                 {"class", "chart"},
                 {"id", id},
                 {"viewBox", "0 0 " + w + " " + h},
                 {"width", w},
                 {"height", h},
                 {"role", "img"},
                 {"aria-label", aria},
                 {"font-family", theme::kFontStack},
                 {"font-size", "12"}});
  m.element("title", {}, aria);
  m.empty("rect", {{"width", w}, {"height", h}, {"fill", "#ffffff"}});
}

struct LegendItem {
  std::string name;
  std::string color;
  enum Kind { Line, Dashed, Area, Bar } kind;
  double opacity = 1.0;
};

void draw_legend(Markup& m, const std::vector<LegendItem>& items, double x, double y) {
  m.open("g", {{"class", "legend"}});
  for (const auto& item : items) {
    if (item.kind == LegendItem::Area || item.kind == LegendItem::Bar) {
      m.empty("rect", {{"x", px(x)}, {"y", px(y - 6)}, {"width", "18"}, {"height", "10"}, {"rx", "2"},
                       {"fill", item.color}, {"fill-opacity", exact_number(item.opacity)}});
    } else {
      m.empty("line", {{"x1", px(x)}, {"y1", px(y - 1)}, {"x2", px(x + 18)}, {"y2", px(y - 1)},
                       {"stroke", item.color}, {"stroke-width", "2.5"},
                       {"stroke-dasharray", item.kind == LegendItem::Dashed ? "5 3" : "none"}});
    }
    m.element("text", {{"x", px(x + 23)}, {"y", px(y + 3)}, {"fill", theme::kText}}, item.name);
    x += 23 + text_width(item.name) + 16;
  }
  m.close("g");
}

void draw_y_axis(Markup& m, const Frame& f, const Ticks& ticks, const Scale& ys, ValueFormat format) {
  m.open("g", {{"class", "y-axis"}});
  for (double v : ticks.values()) {
    const double y = ys(v);
    m.empty("line", {{"x1", px(f.left)}, {"x2", px(f.right)}, {"y1", px(y)}, {"y2", px(y)},
                     {"stroke", std::abs(v) < ticks.step * 1e-9 ? "#cbd5e1" : theme::kGrid}, {"stroke-width", "1"}});
    m.element("text", {{"x", px(f.left - 8)}, {"y", px(y + 4)}, {"text-anchor", "end"}, {"fill", theme::kAxisText}},
              axis_label(v, ticks, format));
  }
  m.close("g");
}

void draw_x_tick(Markup& m, const Frame& f, double x, const std::string& label) {
  m.empty("line", {{"x1", px(x)}, {"x2", px(x)}, {"y1", px(f.bottom)}, {"y2", px(f.bottom + 5)},
                   {"stroke", "#94a3b8"}});
  m.element("text", {{"x", px(x)}, {"y", px(f.bottom + 18)}, {"text-anchor", "middle"}, {"fill", theme::kAxisText}},
            label);
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

// Value of a series at x (series x ascending), or NaN.
double value_at(const std::vector<double>& xs, const std::vector<double>& ys, double x) {
  const auto it = std::lower_bound(xs.begin(), xs.end(), x);
  if (it == xs.end() || *it != x) return kNaN;
  const auto i = static_cast<std::size_t>(it - xs.begin());
  return i < ys.size() ? ys[i] : kNaN;
}

// One transparent column per x; its <title> is the tooltip text, lines separated by '\n'.
void draw_hover_column(Markup& m, const Frame& f, double left, double right, double guide_x, const std::string& tip) {
  m.open("rect", {{"class", "hv"}, {"x", px(left)}, {"y", px(f.top)}, {"width", px(std::max(1.0, right - left))},
                  {"height", px(f.height())}, {"fill", "transparent"}, {"data-gx", px(guide_x)}});
  m.element("title", {}, tip);
  m.close("rect");
}

void draw_guide(Markup& m, const Frame& f) {
  m.empty("line", {{"class", "guide"}, {"x1", "0"}, {"x2", "0"}, {"y1", px(f.top)}, {"y2", px(f.bottom)},
                   {"stroke", "#94a3b8"}, {"stroke-width", "1"}, {"visibility", "hidden"}, {"pointer-events", "none"}});
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

  m.open("g", {{"class", "x-axis"}});
  m.empty("line", {{"x1", px(f.left)}, {"x2", px(f.right)}, {"y1", px(f.bottom)}, {"y2", px(f.bottom)},
                   {"stroke", "#94a3b8"}});
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
  m.open("g", {{"class", "hover"}});
  draw_guide(m, f);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    std::string tip = x_tooltip_label(xs[i], c.x_scale, c.x_unit);
    for (const auto& l : c.lines) {
      const double v = value_at(l.x, l.y, xs[i]);
      if (std::isfinite(v)) tip += "\n" + l.name + ": " + format_value(v, c.y_format);
    }
    for (const auto& b : c.bands) {
      const double lo = value_at(b.x, b.lo, xs[i]), hi = value_at(b.x, b.hi, xs[i]);
      if (std::isfinite(lo) && std::isfinite(hi))
        tip += "\n" + b.name + ": " + format_value(lo, c.y_format) + " – " + format_value(hi, c.y_format);
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

std::string render_bar_chart(const BarChart& c) {
  double y_min = 0, y_max = 0;  // bars always start at zero
  for (const auto& g : c.groups)
    for (double v : g.values)
      if (std::isfinite(v)) y_min = std::min(y_min, v), y_max = std::max(y_max, v);
  if (y_min == y_max) y_max = 1;

  const Frame f{60.0, c.legend ? 34.0 : 12.0, c.width - 14.0, c.height - 26.0};
  const Ticks yt = nice_ticks(y_min, y_max, std::max(3, static_cast<int>(f.height() / 55)));
  const Scale sy{yt.lo, yt.hi, f.bottom, f.top};
  const std::size_t n = std::max<std::size_t>(1, c.categories.size());
  const double slot = f.width() / static_cast<double>(n);
  const std::size_t groups = std::max<std::size_t>(1, c.groups.size());
  const double bar_w = slot * 0.7 / static_cast<double>(groups);

  Markup m;
  open_svg(m, c.id, c.aria_label, c.width, c.height);
  draw_y_axis(m, f, yt, sy, c.y_format);
  m.open("g", {{"class", "x-axis"}});
  m.empty("line", {{"x1", px(f.left)}, {"x2", px(f.right)}, {"y1", px(f.bottom)}, {"y2", px(f.bottom)},
                   {"stroke", "#94a3b8"}});
  for (std::size_t i = 0; i < c.categories.size(); ++i) draw_x_tick(m, f, f.left + slot * (i + 0.5), c.categories[i]);
  m.close("g");

  std::vector<LegendItem> legend;
  m.open("g", {{"class", "series"}});
  const double zero = sy(0.0);
  for (std::size_t g = 0; g < c.groups.size(); ++g) {
    const auto& group = c.groups[g];
    legend.push_back({group.name, group.color, LegendItem::Bar});
    for (std::size_t i = 0; i < group.values.size() && i < c.categories.size(); ++i) {
      const double v = group.values[i];
      if (!std::isfinite(v)) continue;
      const double x = f.left + slot * static_cast<double>(i) + slot * 0.15 + bar_w * static_cast<double>(g);
      const double y = sy(v);
      m.empty("rect", {{"x", px(x)}, {"y", px(std::min(y, zero))}, {"width", px(bar_w)},
                       {"height", px(std::max(0.5, std::abs(zero - y)))}, {"rx", "2"}, {"fill", group.color}});
    }
  }
  m.close("g");
  if (c.legend) draw_legend(m, legend, f.left, 16);

  m.open("g", {{"class", "hover"}});
  draw_guide(m, f);
  for (std::size_t i = 0; i < c.categories.size(); ++i) {
    std::string tip = c.categories[i];
    for (const auto& g : c.groups)
      if (i < g.values.size() && std::isfinite(g.values[i]))
        tip += "\n" + g.name + ": " + format_value(g.values[i], c.y_format);
    const double left = f.left + slot * static_cast<double>(i);
    draw_hover_column(m, f, left, left + slot, left + slot / 2, tip);
  }
  m.close("g");
  m.close("svg");
  return m.take();
}

}  // namespace sluice::dashboard
