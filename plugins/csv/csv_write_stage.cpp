#include <filesystem>

#include <nlohmann/json.hpp>
#include <sluice/serialize.hpp>
#include <sluice/atomic_file.hpp>

#include "csv_format.hpp"
#include "stages.hpp"

namespace sluice::csv {

StageDescriptor csv_write_descriptor() {
  StageDescriptor d;
  d.id = "sluice.csv_write";
  d.kind = StageKind::Load;
  d.version = "1.0.0";
  d.summary = "Writes a table to a CSV file atomically (temp file, fsync, rename)";
  d.inputs = {{"in", PortType::Table, false, false, "the table to write"}};
  d.outputs = {{"out", PortType::Table, false, false, "one row: path, rows, bytes"}};
  d.params = {
      {"path", ParamType::String, {}, true, {}, {}, {}, "CSV file to write (replaced atomically; missing folders are created)"},
      {"delimiter", ParamType::String, ParamValue(","), false, {}, {}, {}, "field separator, one character"},
      {"header", ParamType::Bool, ParamValue(true), false, {}, {}, {}, "whether to write a header row"},
      {"null_value", ParamType::String, ParamValue(""), false, {}, {}, {}, "text written for nulls"},
  };
  return d;
}

namespace {

class CsvWriteStage : public Stage {
 public:
  explicit CsvWriteStage(const Params& p) : path_(p.get_string("path")) {
    options_.delimiter = delimiter_param(p);
    options_.header = p.get_bool("header");
    options_.null_value = p.get_string("null_value");
    if (options_.null_value.find_first_of(std::string{options_.delimiter, '"', '\n', '\r'}) != std::string::npos) {
      throw param_error("null_value", "must not contain the delimiter, a quote or a line break");
    }
  }

  void run(Context& ctx, const Inputs& in, Outputs& out) override {
    const Table& table = in.table("in");
    const std::string text = format_csv(table, options_);
    // Output folders such as ${vars.out_dir} need not exist beforehand.
    if (path_.has_parent_path()) {
      std::error_code ec;
      std::filesystem::create_directories(path_.parent_path(), ec);
      if (ec) throw Error("cannot create the directory '" + path_.parent_path().string() + "' for the CSV file: " + ec.message());
    }
    sluice::write_file_atomically(path_, text);
    ctx.progress(table.num_rows(), table.num_rows(), "rows");

    nlohmann::json receipt = {{"path", path_.string()}, {"size", text.size()}, {"xxh3_128", hash_bytes(text).hex()}};
    out.set_receipt(receipt.dump());

    Table summary;
    summary.add_column("path", ColumnType::String).push_string(path_.string());
    summary.add_column("rows", ColumnType::Int64).push_int(static_cast<std::int64_t>(table.num_rows()));
    summary.add_column("bytes", ColumnType::Int64).push_int(static_cast<std::int64_t>(text.size()));
    out.set("out", std::move(summary));
  }

  bool verify(Context&, const std::string& receipt) override {
    try {
      const auto r = nlohmann::json::parse(receipt);
      const std::filesystem::path path = r.at("path").get<std::string>();
      std::error_code ec;
      const auto size = std::filesystem::file_size(path, ec);
      if (ec || size != r.at("size").get<std::uintmax_t>()) return false;
      const auto hash = hash_file(path);
      return hash && hash->hex() == r.at("xxh3_128").get<std::string>();
    } catch (const std::exception&) {
      return false;  // unreadable receipt or file: rewrite
    }
  }

 private:
  std::filesystem::path path_;
  WriteOptions options_;
};

}  // namespace

std::unique_ptr<Stage> make_csv_write(const Params& params) { return std::make_unique<CsvWriteStage>(params); }

}  // namespace sluice::csv
