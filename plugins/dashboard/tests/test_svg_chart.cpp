#include <doctest/doctest.h>

#include <cmath>
#include <sluice/table.hpp>

#include "page_probe.hpp"
#include "svg_chart.hpp"
#include "xml_check.hpp"

using namespace sluice;
using namespace sluice::dashboard;
using namespace sluice::dashboard::test;

namespace {
LineChart sample_chart() {
  LineChart c;
  c.id = "chart-x";
  c.aria_label = "Sales of <Store & Co>";
  const double d0 = static_cast<double>(days_from_civil(2025, 6, 1));
  LineSeries s{"Actual <raw>", "#000", {}, {}, 2, false, false};
  for (int i = 0; i < 10; ++i) {
    s.x.push_back(d0 + i);
    s.y.push_back(i == 4 ? NAN : 1000.0 + 250 * i);
  }
  BandSeries b{"80% interval", "#00f", 0.2, {d0 + 8, d0 + 9}, {900, 950}, {1100, 1200}};
  c.lines.push_back(s);
  c.bands.push_back(b);
  c.marker = VerticalMarker{d0 + 7, "today"};
  c.hlines.push_back({1500, "target", "#0a0"});
  return c;
}
}  // namespace

TEST_CASE("line chart SVG is well-formed and accessible") {
  const std::string svg = render_line_chart(sample_chart());
  CHECK(xml_problem(svg) == "");
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.find("role=\"img\"") != std::string::npos);
  CHECK(svg.find("aria-label=\"Sales of &lt;Store &amp; Co&gt;\"") != std::string::npos);
  CHECK(svg.find("<title>Sales of &lt;Store &amp; Co&gt;</title>") != std::string::npos);
  CHECK(svg.find("Actual &lt;raw&gt;") != std::string::npos);  // legend entry escaped
  CHECK(svg.find("<raw>") == std::string::npos);
}

TEST_CASE("line chart tooltips carry exact formatted values per date") {
  const std::string svg = render_line_chart(sample_chart());
  CHECK(count_of(svg, "class=\"hv\"") == 10);  // one hover column per distinct x
  CHECK(svg.find("<title>Sun 2025-06-01\nActual &lt;raw&gt;: 1,000</title>") != std::string::npos);
  CHECK(svg.find("Mon 2025-06-09\nActual &lt;raw&gt;: 3,000\n80% interval: 900 – 1,100") != std::string::npos);
  // The NaN day reads n/a (not a number it does not have) and splits the path into two segments.
  CHECK(svg.find("<title>Thu 2025-06-05\nActual &lt;raw&gt;: n/a</title>") != std::string::npos);
  // A series without a point on a day (the band, before June 9) is left out of its tooltip.
  CHECK(svg.find("<title>Sat 2025-06-07\nActual &lt;raw&gt;: 2,500</title>") != std::string::npos);
  const auto path_at = svg.find("stroke=\"#000\"");
  const auto d_at = svg.rfind(" d=\"", path_at);
  CHECK(count_of(svg.substr(d_at, path_at - d_at), "M") == 2);
}

TEST_CASE("a null forecast value reads n/a in the tooltip, and so does an interval without both bounds") {
  LineChart c;
  c.id = "chart-nulls";
  c.aria_label = "nulls";
  const double d0 = static_cast<double>(days_from_civil(2025, 6, 1));
  c.lines.push_back(LineSeries{"Forecast", "#00f", {d0, d0 + 1}, {NAN, 1200.0}, 2, false, false});
  c.bands.push_back(BandSeries{"80% interval", "#00f", 0.2, {d0, d0 + 1}, {NAN, 1100.0}, {1300.0, 1300.0}});
  const std::string svg = render_line_chart(c);
  CHECK(svg.find("<title>Sun 2025-06-01\nForecast: n/a\n80% interval: n/a</title>") != std::string::npos);
  CHECK(svg.find("<title>Mon 2025-06-02\nForecast: 1,200\n80% interval: 1,100 – 1,300</title>") != std::string::npos);
  CHECK(svg.find("0.00") == std::string::npos);
}

TEST_CASE("axis labels use thousands separators") {
  const std::string svg = render_line_chart(sample_chart());
  CHECK(svg.find(">1,000</text>") != std::string::npos);
  CHECK(svg.find(">today</text>") != std::string::npos);
  CHECK(svg.find(">target</text>") != std::string::npos);  // reference line, in the legend
  LineChart no_legend = sample_chart();
  no_legend.legend = false;
  CHECK(render_line_chart(no_legend).find(">target</text>") != std::string::npos);  // then beside the line
}

TEST_CASE("an empty chart still renders a valid SVG") {
  LineChart c;
  c.id = "empty";
  c.aria_label = "nothing";
  CHECK(xml_problem(render_line_chart(c)) == "");
}

TEST_CASE("bar chart: negative values, categories, tooltips") {
  BarChart c;
  c.id = "bars";
  c.aria_label = "Weekly effect";
  c.categories = {"Mon", "Tue", "Wed"};
  c.groups.push_back({"Effect", "#00f", {-120.5, 0, 1500}});
  c.y_format = ValueFormat::Amount;
  const std::string svg = render_bar_chart(c);
  CHECK(xml_problem(svg) == "");
  CHECK(svg.find("<title>Mon\nEffect: -121</title>") != std::string::npos);
  CHECK(svg.find("<title>Wed\nEffect: 1,500</title>") != std::string::npos);
  CHECK(count_of(svg, "class=\"hv\"") == 3);
}

TEST_CASE("percent charts format axes and tooltips as percentages") {
  LineChart c;
  c.id = "pct";
  c.aria_label = "MAPE";
  c.x_scale = XScale::Numbers;
  c.x_unit = " d";
  c.y_format = ValueFormat::Percent;
  c.lines.push_back({"prophet", "#00f", {1, 7, 14}, {0.051, 0.08, 0.1234}, 2, false, true});
  const std::string svg = render_line_chart(c);
  CHECK(xml_problem(svg) == "");
  CHECK(svg.find("<title>14 d\nprophet: 12.3%</title>") != std::string::npos);
  CHECK(svg.find("%</text>") != std::string::npos);
  CHECK(count_of(svg, "<circle") == 3);
}

TEST_CASE("xml_problem catches what it should") {
  CHECK(xml_problem("<a><b></a>") != "");
  CHECK(xml_problem("<a>1 & 2</a>") != "");
  CHECK(xml_problem("<a x=\"1>") != "");
  CHECK(xml_problem("<a><b/>&amp;</a>") == "");
}
