#include <filesystem>

#include "csv_parse.hpp"
#include "file_io.hpp"
#include "stages.hpp"

namespace sluice::csv {

StageDescriptor csv_read_descriptor() {
  StageDescriptor d;
  d.id = "sluice.csv_read";
  d.kind = StageKind::Extract;
  d.version = "1.0.0";
  d.summary = "Reads a UTF-8 CSV file (RFC 4180) into a table, inferring or checking column types";
  d.outputs = {{"out", PortType::Table, false, false, "the file's rows"}};
  d.params = {
      {"path", ParamType::String, {}, true, {}, {}, {}, "CSV file to read (relative to the working directory)"},
      {"delimiter", ParamType::String, ParamValue(","), false, {}, {}, {}, "field separator, one character"},
      {"header", ParamType::Bool, ParamValue(true), false, {}, {}, {}, "whether the first row holds the column names"},
      {"schema", ParamType::StringList, ParamValue::strings({}), false, {}, {}, {},
       "explicit \"name:type\" entries (int64|double|string|date|timestamp); unlisted columns are inferred; "
       "without a header it must list every column in order"},
      {"null_values", ParamType::StringList, ParamValue::strings({""}), false, {}, {}, {},
       "unquoted field values read as null"},
  };
  return d;
}

char delimiter_param(const Params& params) {
  const std::string& d = params.get_string("delimiter");
  if (d.size() != 1 || d == "\"" || d == "\n" || d == "\r") {
    throw param_error("delimiter", "expected one character other than a quote or a line break, got '" +
                                       d + "' (use \"\\t\" for tab-separated files)");
  }
  return d[0];
}

namespace {

class CsvReadStage : public Stage {
 public:
  explicit CsvReadStage(const Params& p) : path_(p.get_string("path")) {
    options_.delimiter = delimiter_param(p);
    options_.header = p.get_bool("header");
    options_.null_values = p.get_string_list("null_values");
    options_.source = path_.string();
    try {
      options_.schema = parse_column_specs(p.get_string_list("schema"));
    } catch (const Error& e) {
      throw param_error("schema", e.what());
    }
  }

  void run(Context& ctx, const Inputs&, Outputs& out) override {
    MappedFile file(path_);
    Table table = parse_csv(file.bytes(), options_);
    ctx.progress(table.num_rows(), table.num_rows(), "rows");
    out.set("out", std::move(table));
  }

  std::optional<std::string> fingerprint(Context&) override {
    try {
      return file_identity(path_);
    } catch (const Error&) {
      return std::nullopt;  // let run() report the missing file
    }
  }

 private:
  std::filesystem::path path_;
  ReadOptions options_;
};

}  // namespace

std::unique_ptr<Stage> make_csv_read(const Params& params) { return std::make_unique<CsvReadStage>(params); }

}  // namespace sluice::csv
