#include "stages.hpp"

namespace sluice::examples {

StageDescriptor range_descriptor() {
  StageDescriptor d;
  d.id = "sluice.range";
  d.kind = StageKind::Extract;
  d.version = "1.0.0";
  d.summary = "Emits a table with one int64 column holding start, start+step, ... (< stop)";
  d.outputs = {{"out", PortType::Table, false, false, "one column of integers"}};
  d.params = {
      {"start", ParamType::Int, ParamValue(0), false, {}, {}, {}, "first value"},
      {"stop", ParamType::Int, {}, true, {}, {}, {}, "end of the range (exclusive)"},
      {"step", ParamType::Int, ParamValue(1), false, 1.0, {}, {}, "increment (>= 1)"},
      {"column", ParamType::String, ParamValue("value"), false, {}, {}, {}, "name of the output column"},
  };
  return d;
}

namespace {
class RangeStage : public Stage {
 public:
  explicit RangeStage(const Params& p)
      : start_(p.get_int("start")), stop_(p.get_int("stop")), step_(p.get_int("step")), column_(p.get_string("column")) {}

  // The output depends only on the parameters, so an unchanged node is a cache hit.
  std::optional<std::string> fingerprint(Context&) override { return std::string("deterministic"); }

  void run(Context&, const Inputs&, Outputs& out) override {
    Table t;
    Column& c = t.add_column(column_, ColumnType::Int64);
    if (stop_ > start_) c.reserve(static_cast<std::size_t>((stop_ - start_) / step_ + 1));
    for (std::int64_t v = start_; v < stop_; v += step_) c.push_int(v);
    out.set("out", std::move(t));
  }

 private:
  std::int64_t start_, stop_, step_;
  std::string column_;
};
}  // namespace

std::unique_ptr<Stage> make_range(const Params& params) { return std::make_unique<RangeStage>(params); }

}  // namespace sluice::examples
