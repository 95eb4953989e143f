// Bar charts: categories on x, one bar per group, bars from zero (negative values go down).
#include <algorithm>
#include <cmath>

#include "svg_chart.hpp"
#include "svg_parts.hpp"
#include "theme.hpp"

namespace sluice::dashboard {

using namespace svg;

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
  open_x_axis(m, f);
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

  open_hover_group(m);
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
