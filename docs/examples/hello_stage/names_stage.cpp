#include "stages.hpp"

namespace hello {

sluice::StageDescriptor names_descriptor() {
  sluice::StageDescriptor d;
  d.id = "hello.names";
  d.kind = sluice::StageKind::Extract;
  d.version = "1.0.0";
  d.summary = "Emits a table with one string column `name`, one row per name";
  d.outputs = {{"out", sluice::PortType::Table, false, false, "column `name` (string)"}};
  d.params = {{"names", sluice::ParamType::StringList, {}, true, {}, {}, {}, "the names to emit"}};
  return d;
}

namespace {
class Names : public sluice::Stage {
 public:
  explicit Names(const sluice::Params& p) : names_(p.get_string_list("names")) {}

  // The output depends on the params alone (already in the cache key), so a
  // constant fingerprint lets an unchanged rerun come from the cache.
  std::optional<std::string> fingerprint(sluice::Context&) override { return std::string("params only"); }

  void run(sluice::Context&, const sluice::Inputs&, sluice::Outputs& out) override {
    sluice::Table t;
    sluice::Column& name = t.add_column("name", sluice::ColumnType::String);
    for (const auto& n : names_) name.push_string(n);
    out.set("out", std::move(t));
  }

 private:
  std::vector<std::string> names_;
};
}  // namespace

std::unique_ptr<sluice::Stage> make_names(const sluice::Params& params) { return std::make_unique<Names>(params); }

}  // namespace hello
