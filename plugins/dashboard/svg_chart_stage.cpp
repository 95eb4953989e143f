// sluice.svg_chart: the dashboard's overview chart as a standalone .svg file
// (e.g. to embed in an e-mail report), from the same chart code.
#include <sluice/atomic_file.hpp>

#include "forecast_data.hpp"
#include "receipt.hpp"
#include "sections.hpp"
#include "stages.hpp"

namespace sluice::dashboard {

StageDescriptor svg_chart_descriptor() {
  StageDescriptor d;
  d.id = "sluice.svg_chart";
  d.kind = StageKind::Report;
  d.version = "1.1.0";  // 1.1: a null forecast value reads n/a in the tooltips (the total summed it as 0)
  d.summary = "Writes the forecast overview chart (last year, forecast, 80% band, today) as a standalone SVG file";
  d.inputs = {
      {"forecast", PortType::Table, false, false,
       "forecast rows: one series, or per-store rows with the key column (summed per day)"},
      {"total", PortType::Table, true, false, "forecast of total sales; used instead of summing when bound"},
  };
  d.outputs = {{"report", PortType::Table, false, false, "one row: path, bytes, xxh3_128"}};
  d.params = {
      {"path", ParamType::String, std::nullopt, true, {}, {}, {}, "output .svg file (relative to the working directory)"},
      {"title", ParamType::String, ParamValue("Sales forecast"), false, {}, {}, {}, "heading drawn in the chart"},
      {"key", ParamType::String, ParamValue("store_id"), false, {}, {}, {},
       "store column; when the forecast has it, the chart shows the per-day sum"},
      {"width", ParamType::Int, ParamValue(1100), false, 320.0, 4000.0, {}, "width in px"},
      {"height", ParamType::Int, ParamValue(400), false, 160.0, 3000.0, {}, "height in px"},
  };
  return d;
}

namespace {

class SvgChartStage : public Stage {
 public:
  explicit SvgChartStage(const Params& p)
      : path_(p.get_string("path")),
        title_(p.get_string("title")),
        key_(p.get_string("key")),
        width_(static_cast<int>(p.get_int("width"))),
        height_(static_cast<int>(p.get_int("height"))) {
    if (path_.empty()) throw ParamError("path", "parameter 'path' is empty; set it to the .svg file to write");
  }

  void run(Context& ctx, const Inputs& in, Outputs& out) override {
    ForecastSeries total;
    if (in.has("total")) {
      total = read_forecast(in.table("total"), "total");
    } else {
      const Table& forecast = in.table("forecast");
      total = forecast.find(key_) != nullptr ? sum_series(split_forecast(forecast, key_, "forecast"))
                                             : read_forecast(forecast, "forecast");
    }
    const std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
                            overview_chart_svg(total, "chart-overview", width_, height_, title_ + ".", title_) + "\n";
    sluice::write_file_atomically(path_, svg, /*durable=*/true, ParentDirs::Create);
    out.set_receipt(file_receipt(path_, svg));
    ctx.info("wrote " + path_ + " (" + std::to_string(svg.size()) + " bytes)");
    Table summary;
    summary.add_column("path", ColumnType::String).push_string(path_);
    summary.add_column("bytes", ColumnType::Int64).push_int(static_cast<std::int64_t>(svg.size()));
    summary.add_column("xxh3_128", ColumnType::String).push_string(hash_bytes(svg).hex());
    out.set("report", std::move(summary));
  }

  bool verify(Context&, const std::string& receipt) override { return file_matches_receipt(receipt); }

 private:
  std::string path_, title_, key_;
  int width_, height_;
};

}  // namespace

std::unique_ptr<Stage> make_svg_chart(const Params& params) { return std::make_unique<SvgChartStage>(params); }

}  // namespace sluice::dashboard
