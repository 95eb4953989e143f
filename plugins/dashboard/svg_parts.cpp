#include "svg_parts.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "theme.hpp"

namespace sluice::dashboard::svg {

std::string px(double v) {
  // to_chars with a precision rounds exactly as printf("%.1f") does, without its format parsing:
  // a dashboard of 1,000 stores writes millions of coordinates.
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
  std::string s(buf, res.ptr);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s == "-0" ? "0" : s;
}

double text_width(std::string_view s) {
  std::size_t code_points = 0;
  for (char c : s) code_points += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return static_cast<double>(code_points) * kFontPx * 0.6;
}

std::string axis_label(double v, const Ticks& ticks, ValueFormat format) {
  if (format == ValueFormat::Percent) return format_number(v * 100.0, std::max(0, ticks.decimals - 2)) + "%";
  return format_number(v, ticks.decimals);
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

void open_x_axis(Markup& m, const Frame& f) {
  m.open("g", {{"class", "x-axis"}});
  m.empty("line", {{"x1", px(f.left)}, {"x2", px(f.right)}, {"y1", px(f.bottom)}, {"y2", px(f.bottom)},
                   {"stroke", "#94a3b8"}});
}

void draw_x_tick(Markup& m, const Frame& f, double x, const std::string& label) {
  m.empty("line", {{"x1", px(x)}, {"x2", px(x)}, {"y1", px(f.bottom)}, {"y2", px(f.bottom + 5)},
                   {"stroke", "#94a3b8"}});
  m.element("text", {{"x", px(x)}, {"y", px(f.bottom + 18)}, {"text-anchor", "middle"}, {"fill", theme::kAxisText}},
            label);
}

// Builds "M..L.." path data; NaN values split the line into segments.
void draw_hover_column(Markup& m, const Frame& f, double left, double right, double guide_x, const std::string& tip) {
  // No fill of its own: it takes the hover group's transparent fill (see open_hover_group), 19 bytes less
  // for each of a dashboard's hundreds of thousands of columns.
  m.open("rect", {{"class", "hv"}, {"x", px(left)}, {"y", px(f.top)}, {"width", px(std::max(1.0, right - left))},
                  {"height", px(f.height())}, {"data-gx", px(guide_x)}});
  m.element("title", {}, tip);
  m.close("rect");
}

void open_hover_group(Markup& m) {
  // Transparent is still painted, so the columns receive the pointer events that show their tips.
  m.open("g", {{"class", "hover"}, {"fill", "transparent"}});
}

void draw_guide(Markup& m, const Frame& f) {
  m.empty("line", {{"class", "guide"}, {"x1", "0"}, {"x2", "0"}, {"y1", px(f.top)}, {"y2", px(f.bottom)},
                   {"stroke", "#94a3b8"}, {"stroke-width", "1"}, {"visibility", "hidden"}, {"pointer-events", "none"}});
}

}  // namespace sluice::dashboard::svg
