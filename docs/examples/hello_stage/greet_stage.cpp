#include <cctype>

#include "stages.hpp"

namespace hello {

sluice::StageDescriptor greet_descriptor() {
  sluice::StageDescriptor d;
  d.id = "hello.greet";
  d.kind = sluice::StageKind::Transform;
  d.version = "1.0.0";  // bump when the output changes for the same input: cached results are invalidated
  d.summary = "Adds a `greeting` column: \"<greeting>, <name>!\" (null names stay null)";
  d.inputs = {{"in", sluice::PortType::Table, false, false, "a table with a string column of names"}};
  d.outputs = {{"out", sluice::PortType::Table, false, false, "the input plus a string column `greeting`"}};
  d.params = {
      {"column", sluice::ParamType::String, sluice::ParamValue("name"), false, {}, {}, {}, "column holding the names"},
      {"greeting", sluice::ParamType::String, sluice::ParamValue("Hello"), false, {}, {}, {}, "the word before the name"},
      {"style", sluice::ParamType::String, sluice::ParamValue("plain"), false, {}, {}, {"plain", "shout"},
       "shout = upper-case the whole greeting"},
  };
  return d;
}

namespace {
class Greet : public sluice::Stage {
 public:
  // Params arrive validated (types, choices, defaults filled), so the
  // constructor only reads them.
  explicit Greet(const sluice::Params& p)
      : column_(p.get_string("column")), greeting_(p.get_string("greeting")), shout_(p.get_string("style") == "shout") {
    if (greeting_.empty()) throw sluice::param_error("greeting", "must not be empty; use e.g. \"Hello\"");
  }

  void run(sluice::Context& ctx, const sluice::Inputs& in, sluice::Outputs& out) override {
    const sluice::Table& input = in.table("in");
    // Throws MissingColumn / a type error that names the column and what exists.
    const sluice::Column& names = input.require(column_, {sluice::ColumnType::String});
    sluice::Table result = input;
    sluice::Column& greeting = result.add_column("greeting", sluice::ColumnType::String);
    greeting.reserve(input.num_rows());
    for (std::size_t row = 0; row < input.num_rows(); ++row) {
      if ((row & 4095) == 0) ctx.check_cancelled();  // cheap, and makes Ctrl-C prompt on big inputs
      if (names.is_null(row)) {
        greeting.push_null();
        continue;
      }
      std::string text = greeting_ + ", " + std::string(names.string_at(row)) + "!";
      if (shout_) {
        for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
      greeting.push_string(text);
    }
    ctx.info("greeted " + std::to_string(input.num_rows()) + " rows");
    out.set("out", std::move(result));
  }

 private:
  std::string column_, greeting_;
  bool shout_;
};
}  // namespace

std::unique_ptr<sluice::Stage> make_greet(const sluice::Params& params) { return std::make_unique<Greet>(params); }

}  // namespace hello
