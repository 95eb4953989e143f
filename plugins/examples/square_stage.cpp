#include <chrono>
#include <thread>

#include "stages.hpp"

namespace sluice::examples {

StageDescriptor square_descriptor() {
  StageDescriptor d;
  d.id = "sluice.square";
  d.kind = StageKind::Transform;
  d.version = "1.0.0";
  d.summary = "Squares an integer or double column, optionally sleeping per row to mimic slow work";
  d.inputs = {{"in", PortType::Table, false, false, "table with the column to square"}};
  d.outputs = {{"out", PortType::Table, false, false, "the input plus the squared column"}};
  d.params = {
      {"column", ParamType::String, ParamValue("value"), false, {}, {}, {}, "column to square"},
      {"output", ParamType::String, ParamValue("square"), false, {}, {}, {}, "name of the result column"},
      {"sleep_ms", ParamType::Int, ParamValue(0), false, 0.0, 3'600'000.0, {},
       "milliseconds to sleep per row (the seed's time.sleep(1))"},
  };
  return d;
}

namespace {
class SquareStage : public Stage {
 public:
  explicit SquareStage(const Params& p)
      : column_(p.get_string("column")), output_(p.get_string("output")), sleep_ms_(p.get_int("sleep_ms")) {}

  void run(Context& ctx, const Inputs& in, Outputs& out) override {
    const Table& input = in.table("in");
    const Column& src = input.require(column_, {ColumnType::Int64, ColumnType::Double});
    Table result = input;
    Column& dst = result.add_column(Column(output_, src.type()));
    const std::size_t n = input.num_rows();
    dst.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (sleep_ms_ > 0) {
        ctx.check_cancelled();
        std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms_));
      }
      if (src.is_null(i)) dst.push_null();
      else if (src.type() == ColumnType::Int64) dst.push_int(src.int_at(i) * src.int_at(i));
      else dst.push_double(src.double_at(i) * src.double_at(i));
      if (sleep_ms_ > 0) ctx.progress(i + 1, n, "rows");
    }
    out.set("out", std::move(result));
  }

 private:
  std::string column_, output_;
  std::int64_t sleep_ms_;
};
}  // namespace

std::unique_ptr<Stage> make_square(const Params& params) { return std::make_unique<SquareStage>(params); }

}  // namespace sluice::examples
