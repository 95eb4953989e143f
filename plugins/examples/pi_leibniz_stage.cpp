#include <cmath>

#include "stages.hpp"

namespace sluice::examples {

double leibniz_pi(int order) {
  // Same arithmetic as the seed: alternating 4/k terms, k = 1, 3, 5, ...
  double pi = 0.0;
  double k = 1.0;
  const std::int64_t terms = static_cast<std::int64_t>(std::llround(std::pow(10.0, order)));
  for (std::int64_t i = 0; i < terms; ++i) {
    pi += (i % 2 == 0 ? 4.0 : -4.0) / k;
    k += 2.0;
  }
  return pi;
}

StageDescriptor pi_leibniz_descriptor() {
  StageDescriptor d;
  d.id = "sluice.pi_leibniz";
  d.kind = StageKind::Transform;
  d.version = "1.0.0";
  d.summary = "For every input row, approximates pi with 10^order Leibniz terms (the seed's batch_process_function)";
  d.inputs = {{"in", PortType::Table, false, false, "rows to process (their values are ignored, as in the seed)"}};
  d.outputs = {{"out", PortType::Table, false, false, "the input plus a double column 'pi'"}};
  d.params = {
      {"order", ParamType::Int, ParamValue(5), false, 0.0, 9.0, {}, "sum 10^order terms per row"},
      {"output", ParamType::String, ParamValue("pi"), false, {}, {}, {}, "name of the result column"},
  };
  return d;
}

namespace {
class PiLeibnizStage : public Stage {
 public:
  explicit PiLeibnizStage(const Params& p) : order_(static_cast<int>(p.get_int("order"))), output_(p.get_string("output")) {}

  void run(Context& ctx, const Inputs& in, Outputs& out) override {
    const Table& input = in.table("in");
    Table result = input;
    Column& dst = result.add_column(Column(output_, ColumnType::Double));
    const std::size_t n = input.num_rows();
    dst.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if ((i & 63) == 0) ctx.check_cancelled();
      dst.push_double(leibniz_pi(order_));
    }
    out.set("out", std::move(result));
  }

 private:
  int order_;
  std::string output_;
};
}  // namespace

std::unique_ptr<Stage> make_pi_leibniz(const Params& params) { return std::make_unique<PiLeibnizStage>(params); }

}  // namespace sluice::examples
