// sluice.csv_read / sluice.csv_write as the engine runs them: params, files,
// fingerprint, receipts and verify(), atomic replacement, and a full round trip.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sluice/testing.hpp>

#include "stages.hpp"

using namespace sluice;
using namespace sluice::csv;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(SLUICE_SOURCE_DIR) / "tests" / "fixtures" / "csv";

// A fresh empty directory per test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("sluice-csv-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

const Table& out_table(const Outputs& out) { return std::get<Table>(out.values().at("out")); }

Table sample_table() {
  // Columns are filled before they are added: add_column may move earlier columns.
  Column id("id", ColumnType::Int64), x("x", ColumnType::Double), s("s", ColumnType::String);
  Column d("d", ColumnType::Date), ts("ts", ColumnType::Timestamp);
  id.push_int(1), id.push_int(-2), id.push_null(), id.push_int(INT64_MAX);
  x.push_double(0.1), x.push_double(1e-300), x.push_double(2.0 / 3.0), x.push_null();
  s.push_string("plain"), s.push_string("comma, \"quote\"\nnewline"), s.push_string(""), s.push_null();
  d.push_int(days_from_civil(2024, 2, 29)), d.push_null(), d.push_int(0), d.push_int(-1);
  ts.push_int(1'700'000'000'123'456), ts.push_int(-1), ts.push_null(), ts.push_int(1'700'000'000'000'000);
  Table t;
  for (Column* c : {&id, &x, &s, &d, &ts}) t.add_column(std::move(*c));
  return t;
}

void check_equal(const Table& a, const Table& b) {
  REQUIRE(a.column_names() == b.column_names());
  REQUIRE(a.num_rows() == b.num_rows());
  for (std::size_t c = 0; c < a.num_columns(); ++c) {
    const Column& x = a.column(c);
    const Column& y = b.column(c);
    INFO("column " << x.name());
    REQUIRE(x.type() == y.type());
    for (std::size_t r = 0; r < a.num_rows(); ++r) {
      INFO("row " << r);
      REQUIRE(x.is_null(r) == y.is_null(r));
      if (x.is_null(r)) continue;
      switch (x.type()) {
        case ColumnType::String: CHECK(x.string_at(r) == y.string_at(r)); break;
        case ColumnType::Double: CHECK(x.double_at(r) == y.double_at(r)); break;
        default: CHECK(x.int_at(r) == y.int_at(r)); break;
      }
    }
  }
}

}  // namespace

TEST_CASE("csv_read reads the fixtures: BOM, CRLF, quotes and an embedded newline") {
  testing::TestContext ctx;
  auto out = testing::run_stage(csv_read_descriptor(), make_csv_read, {{"path", (kFixtures / "bom_crlf.csv").string()}}, {}, ctx);
  const Table& t = out_table(out);
  REQUIRE(t.num_rows() == 2);
  CHECK(t.column_names() == std::vector<std::string>{"id", "name", "note"});
  CHECK(t.column("name").string_at(0) == "Smith, Anna");
  CHECK(t.column("note").string_at(0) == "said \"hi\"\r\nthen left");
  CHECK(t.column("note").is_null(1));
  CHECK(ctx.last_done == 2);
}

TEST_CASE("csv_read: sales fixture with NA and inferred types") {
  testing::TestContext ctx;
  auto out = testing::run_stage(csv_read_descriptor(), make_csv_read,
                                {{"path", (kFixtures / "sales_small.csv").string()},
                                 {"null_values", ParamValue::strings({"", "NA"})}},
                                {}, ctx);
  const Table& t = out_table(out);
  CHECK(t.num_rows() == 5);
  CHECK(t.column("sold_at").type() == ColumnType::Timestamp);
  CHECK(t.column("unit_price").type() == ColumnType::Double);
  CHECK(t.column("unit_price").is_null(4));
  CHECK(t.column("quantity").type() == ColumnType::Int64);
}

TEST_CASE("csv_read errors name the file") {
  testing::TestContext ctx;
  const std::string ragged = (kFixtures / "ragged.csv").string();
  CHECK_THROWS_WITH_AS(testing::run_stage(csv_read_descriptor(), make_csv_read, {{"path", ragged}}, {}, ctx),
                       (ragged + ": line 4 has 2 fields, the header has 3 (quote values that contain the delimiter ',')").c_str(),
                       Error);
  const std::string latin1 = (kFixtures / "latin1.csv").string();
  CHECK_THROWS_WITH(testing::run_stage(csv_read_descriptor(), make_csv_read, {{"path", latin1}}, {}, ctx),
                    (latin1 + ": line 2, column 4: invalid UTF-8 (byte 0xF6); convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8").c_str());
  CHECK_THROWS_WITH(testing::run_stage(csv_read_descriptor(), make_csv_read, {{"path", "/nonexistent/x.csv"}}, {}, ctx),
                    "cannot open '/nonexistent/x.csv': No such file or directory (check the path; relative paths start at the working directory)");
}

TEST_CASE("csv_read parameter checks") {
  testing::TestContext ctx;
  CHECK_THROWS_WITH_AS(testing::run_stage(csv_read_descriptor(), make_csv_read, {{"path", "x.csv"}, {"delimiter", ";;"}}, {}, ctx),
                       "parameter 'delimiter': expected one character other than a quote or a line break, got ';;' (use \"\\t\" for tab-separated files)",
                       ParamError);
  CHECK_THROWS_WITH_AS(testing::run_stage(csv_read_descriptor(), make_csv_read,
                                          {{"path", "x.csv"}, {"schema", ParamValue::strings({"a:float"})}}, {}, ctx),
                       "parameter 'schema': schema entry 'a:float': unknown type 'float' (use int64, double, string, date or timestamp)",
                       ParamError);
}

TEST_CASE("csv_read fingerprint follows size, mtime and inode") {
  TempDir dir;
  const fs::path p = dir.path / "f.csv";
  std::ofstream(p) << "a\n1\n";
  testing::TestContext ctx;
  Params params;
  params.set("path", p.string());
  auto stage = make_csv_read(apply_schema(csv_read_descriptor(), params));
  const auto first = stage->fingerprint(ctx);
  REQUIRE(first.has_value());
  CHECK(stage->fingerprint(ctx) == first);
  std::ofstream(p, std::ios::app) << "2\n";
  CHECK(stage->fingerprint(ctx) != first);
  fs::remove(p);
  CHECK_FALSE(stage->fingerprint(ctx).has_value());
}

TEST_CASE("csv_write -> csv_read round trip keeps types, values and nulls") {
  TempDir dir;
  const std::string path = (dir.path / "out.csv").string();
  testing::TestContext ctx;
  const Table original = sample_table();
  auto written = testing::run_stage(csv_write_descriptor(), make_csv_write, {{"path", path}}, {{"in", Value(original)}}, ctx);
  const Table& summary = out_table(written);
  CHECK(summary.column("rows").int_at(0) == 4);
  CHECK(summary.column("bytes").int_at(0) == static_cast<std::int64_t>(fs::file_size(path)));
  auto read = testing::run_stage(csv_read_descriptor(), make_csv_read, {{"path", path}}, {}, ctx);
  check_equal(original, out_table(read));
}

TEST_CASE("csv_write formats values and quotes only when needed") {
  TempDir dir;
  const std::string path = (dir.path / "o.csv").string();
  testing::TestContext ctx;
  Column s("s", ColumnType::String), ts("t s", ColumnType::Timestamp), x("x", ColumnType::Double);
  s.push_string("NA"), ts.push_int(kMicrosPerDay + 1), x.push_double(0.1);
  s.push_string("a;b"), ts.push_null(), x.push_double(1e21);
  Table t;
  for (Column* c : {&s, &ts, &x}) t.add_column(std::move(*c));
  testing::run_stage(csv_write_descriptor(), make_csv_write, {{"path", path}, {"delimiter", ";"}, {"null_value", "NA"}},
                     {{"in", Value(t)}}, ctx);
  CHECK(slurp(path) == "s;t s;x\n\"NA\";1970-01-02 00:00:00.000001;0.1\n\"a;b\";NA;1e+21\n");
  testing::run_stage(csv_write_descriptor(), make_csv_write, {{"path", path}, {"header", false}}, {{"in", Value(t)}}, ctx);
  CHECK(slurp(path) == "NA,1970-01-02 00:00:00.000001,0.1\na;b,,1e+21\n");
  CHECK_THROWS_AS(testing::run_stage(csv_write_descriptor(), make_csv_write, {{"path", path}, {"null_value", "a,b"}},
                                     {{"in", Value(t)}}, ctx),
                  ParamError);
}

TEST_CASE("csv_write replaces atomically and leaves no temp file") {
  TempDir dir;
  const fs::path path = dir.path / "o.csv";
  std::ofstream(path) << "old content\n";
  testing::TestContext ctx;
  testing::run_stage(csv_write_descriptor(), make_csv_write, {{"path", path.string()}}, {{"in", Value(sample_table())}}, ctx);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path)) names.push_back(e.path().filename().string());
  CHECK(names == std::vector<std::string>{"o.csv"});
  CHECK(slurp(path).rfind("id,x,s,d,ts\n", 0) == 0);

  // Missing folders are created; a folder path that is a file fails cleanly.
  testing::run_stage(csv_write_descriptor(), make_csv_write, {{"path", (dir.path / "new/sub/o.csv").string()}},
                     {{"in", Value(sample_table())}}, ctx);
  CHECK(fs::is_regular_file(dir.path / "new/sub/o.csv"));
  CHECK_THROWS_WITH_AS(testing::run_stage(csv_write_descriptor(), make_csv_write, {{"path", (path / "x.csv").string()}},
                                          {{"in", Value(sample_table())}}, ctx),
                       doctest::Contains("cannot create the directory"), Error);
  names.clear();
  for (const auto& e : fs::directory_iterator(dir.path)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"new", "o.csv"});
}

TEST_CASE("csv_write receipt: verify() is false once the file changes or disappears") {
  TempDir dir;
  const fs::path path = dir.path / "o.csv";
  testing::TestContext ctx;
  auto out = testing::run_stage(csv_write_descriptor(), make_csv_write, {{"path", path.string()}}, {{"in", Value(sample_table())}}, ctx);
  const std::string receipt = out.receipt();
  CHECK(receipt.find("\"xxh3_128\"") != std::string::npos);
  Params params;
  params.set("path", path.string());
  auto stage = make_csv_write(apply_schema(csv_write_descriptor(), params));
  CHECK(stage->verify(ctx, receipt));
  {
    std::string text = slurp(path);
    text[0] = 'I';  // same size, different content
    std::ofstream(path, std::ios::binary) << text;
  }
  CHECK_FALSE(stage->verify(ctx, receipt));
  fs::remove(path);
  CHECK_FALSE(stage->verify(ctx, receipt));
  CHECK_FALSE(stage->verify(ctx, "not json"));
}
