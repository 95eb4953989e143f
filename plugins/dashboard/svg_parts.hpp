#pragma once
// Building blocks shared by the line and bar charts: plot frame and scales,
// the <svg> root, axes, legend and the hover layer. Internal to the plugin.
#include <string>
#include <string_view>
#include <vector>

#include "format.hpp"
#include "html.hpp"
#include "svg_chart.hpp"

namespace sluice::dashboard::svg {

inline constexpr double kFontPx = 12.0;

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

struct LegendItem {
  std::string name;
  std::string color;
  enum Kind { Line, Dashed, Area, Bar } kind;
  double opacity = 1.0;
};

// Pixel coordinates with one decimal keep the SVG small and still smooth.
std::string px(double v);
// Rough text width for layout (no font metrics available server-side).
double text_width(std::string_view s);
std::string axis_label(double v, const Ticks& ticks, ValueFormat format);

void open_svg(Markup& m, const std::string& id, const std::string& aria, int width, int height);
void draw_legend(Markup& m, const std::vector<LegendItem>& items, double x, double y);
void draw_y_axis(Markup& m, const Frame& f, const Ticks& ticks, const Scale& ys, ValueFormat format);
// Opens the <g class="x-axis"> with its baseline along the frame's bottom; the caller adds the
// ticks (draw_x_tick) and closes it.
void open_x_axis(Markup& m, const Frame& f);
void draw_x_tick(Markup& m, const Frame& f, double x, const std::string& label);
// Opens the <g class="hover"> that holds a chart's guide and hover columns; it gives them their
// transparent fill. Closed by the caller.
void open_hover_group(Markup& m);
// One transparent column per x, inside the hover group; its <title> is the tooltip text, lines
// separated by '\n'.
void draw_hover_column(Markup& m, const Frame& f, double left, double right, double guide_x, const std::string& tip);
// The vertical guide line the page script moves to the hovered column.
void draw_guide(Markup& m, const Frame& f);

}  // namespace sluice::dashboard::svg
