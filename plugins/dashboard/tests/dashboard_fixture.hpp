#pragma once
// Renders a dashboard from synthetic data through the real stage, as the
// engine would, with run info supplied by the test context.
#include <filesystem>
#include <sluice/testing.hpp>
#include <string>

#include "stages.hpp"
#include "synthetic.hpp"

namespace sluice::dashboard::test {

class RunInfoContext : public sluice::testing::TestContext {
 public:
  explicit RunInfoContext(std::string run_info) : run_info_(std::move(run_info)) {}
  std::string run_info_json() const override { return run_info_; }

 private:
  std::string run_info_;
};

struct RenderOptions {
  int stores = 3;
  bool with_total = false;
  bool with_metrics = true;
  bool with_stores = true;
  int max_small_multiples = 12;
  std::string run_info = make_run_info();
  std::string title = "Sales <forecast> & more";
  bool hostile_names = true;
};

inline Outputs render_dashboard(const std::filesystem::path& path, const RenderOptions& o) {
  SyntheticShape shape;
  shape.stores = o.stores;
  std::vector<std::pair<std::string, Value>> inputs;
  inputs.emplace_back("forecast", Value(make_forecast(shape)));
  if (o.with_total) inputs.emplace_back("total", Value(make_forecast(shape, /*with_key=*/false)));
  if (o.with_metrics) inputs.emplace_back("metrics", Value(make_metrics(o.stores, 30)));
  if (o.with_stores) inputs.emplace_back("stores", Value(make_stores(o.stores, o.hostile_names)));
  RunInfoContext ctx(o.run_info);
  return sluice::testing::run_stage(html_dashboard_descriptor(), make_html_dashboard,
                                    {{"path", path.string()},
                                     {"title", o.title},
                                     {"max_small_multiples", o.max_small_multiples}},
                                    std::move(inputs), ctx);
}

}  // namespace sluice::dashboard::test
