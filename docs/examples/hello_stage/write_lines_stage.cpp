#include <fstream>
#include <sstream>

#include <sluice/atomic_file.hpp>

#include "stages.hpp"

namespace hello {

sluice::StageDescriptor write_lines_descriptor() {
  sluice::StageDescriptor d;
  d.id = "hello.write_lines";
  d.kind = sluice::StageKind::Load;  // a sink: the engine calls verify() before trusting the cache
  d.version = "1.0.0";
  d.summary = "Writes one column to a text file, one value per line (atomically: temp file, fsync, rename)";
  d.inputs = {{"in", sluice::PortType::Table, false, false, "the table to write"}};
  d.outputs = {{"out", sluice::PortType::Table, false, false, "one row: path (string), lines (int64)"}};
  d.params = {
      {"path", sluice::ParamType::String, {}, true, {}, {}, {}, "file to write (replaced atomically)"},
      {"column", sluice::ParamType::String, sluice::ParamValue("greeting"), false, {}, {}, {}, "column to write"},
  };
  return d;
}

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class WriteLines : public sluice::Stage {
 public:
  explicit WriteLines(const sluice::Params& p) : path_(p.get_string("path")), column_(p.get_string("column")) {}

  void run(sluice::Context&, const sluice::Inputs& in, sluice::Outputs& out) override {
    const sluice::Column& values = in.table("in").require(column_, {sluice::ColumnType::String});
    std::string text;
    for (std::size_t row = 0; row < values.size(); ++row) {
      if (!values.is_null(row)) text += values.string_at(row);
      text += '\n';
    }
    // A crash mid-write must never leave a half-written file under the final name.
    sluice::write_file_atomically(path_, text, /*durable=*/true, sluice::ParentDirs::Create);
    // The receipt records what was written; verify() compares it with the file
    // on the next run, so a deleted or edited file is rewritten.
    out.set_receipt(sluice::hash_bytes(text).hex());
    sluice::Table summary;
    summary.add_column("path", sluice::ColumnType::String).push_string(path_);
    summary.add_column("lines", sluice::ColumnType::Int64).push_int(static_cast<std::int64_t>(values.size()));
    out.set("out", std::move(summary));
  }

  bool verify(sluice::Context&, const std::string& receipt) override {
    return sluice::hash_bytes(read_file(path_)).hex() == receipt;
  }

 private:
  std::string path_, column_;
};
}  // namespace

std::unique_ptr<sluice::Stage> make_write_lines(const sluice::Params& params) {
  return std::make_unique<WriteLines>(params);
}

}  // namespace hello
