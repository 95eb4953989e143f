// The CSV parser on in-memory bytes: RFC 4180 details, type inference, nulls and
// the exact error messages a user sees.
#include <doctest/doctest.h>

#include <sluice/errors.hpp>

#include "csv_parse.hpp"

using namespace sluice;
using namespace sluice::csv;

namespace {
Table parse(std::string_view text, ReadOptions opt = {}) {
  opt.source = "t.csv";
  return parse_csv(text, opt);
}
}  // namespace

TEST_CASE("quoted fields: delimiters, doubled quotes and line breaks inside quotes") {
  const Table t = parse("a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"two\nlines\",\"\"\n");
  REQUIRE(t.num_rows() == 2);
  CHECK(t.column("a").string_at(0) == "x,y");
  CHECK(t.column("b").string_at(0) == "say \"hi\"");
  CHECK(t.column("a").string_at(1) == "two\nlines");
  CHECK_FALSE(t.column("b").is_null(1));  // a quoted empty field is an empty string, not null
  CHECK(t.column("b").string_at(1) == "");
}

TEST_CASE("CRLF, a BOM and a missing final newline") {
  const Table t = parse("\xEF\xBB\xBFid,name\r\n1,a\r\n2,b");
  REQUIRE(t.num_columns() == 2);
  CHECK(t.column(0).name() == "id");
  CHECK(t.column("id").type() == ColumnType::Int64);
  CHECK(t.column("name").string_at(1) == "b");
  CHECK(t.num_rows() == 2);
}

TEST_CASE("a trailing delimiter makes an empty last field") {
  const Table t = parse("a,b\n1,\n");
  CHECK(t.column("b").is_null(0));
}

TEST_CASE("blank lines are skipped in multi-column files") {
  const Table t = parse("a,b\n\n1,2\r\n\r\n3,4\n\n");
  CHECK(t.num_rows() == 2);
  CHECK(t.column("a").int_at(1) == 3);
}

TEST_CASE("a blank line is a null in a one-column file") {
  const Table t = parse("a\n1\n\n3\n");
  REQUIRE(t.num_rows() == 3);
  CHECK(t.column("a").is_null(1));
  CHECK(t.column("a").int_at(2) == 3);
}

TEST_CASE("empty file and header-only file") {
  CHECK_THROWS_WITH_AS(parse(""), "t.csv: the file is empty (no header line); give a schema to read an empty file as a table with no rows", Error);
  CHECK_THROWS_AS(parse("\xEF\xBB\xBF\n"), Error);
  ReadOptions opt;
  opt.schema = parse_column_specs({"id:int64", "ds:date"});
  const Table empty = parse("", opt);
  CHECK(empty.num_columns() == 2);
  CHECK(empty.column("ds").type() == ColumnType::Date);
  CHECK(empty.num_rows() == 0);

  const Table header_only = parse("x,y\n");
  CHECK(header_only.num_rows() == 0);
  CHECK(header_only.column_names() == std::vector<std::string>{"x", "y"});
  CHECK(header_only.column("x").type() == ColumnType::String);
}

TEST_CASE("ragged rows name the line and both counts") {
  CHECK_THROWS_WITH_AS(parse("a,b,c\n1,2,3\n4,5,6,7\n"),
                       "t.csv: line 3 has 4 fields, the header has 3 (quote values that contain the delimiter ',')",
                       Error);
  // Line numbers count physical lines, including those inside quoted fields.
  CHECK_THROWS_WITH_AS(parse("a,b\n\"x\ny\",1\n2\n"),
                       "t.csv: line 4 has 1 fields, the header has 2 (quote values that contain the delimiter ',')",
                       Error);
  CHECK_THROWS_WITH_AS(parse("1;2\n3\n", [] { ReadOptions o; o.header = false; o.delimiter = ';'; return o; }()),
                       "t.csv: line 2 has 1 fields, the first row has 2 (quote values that contain the delimiter ';')",
                       Error);
}

TEST_CASE("unterminated quotes and stray characters after a closing quote") {
  CHECK_THROWS_WITH_AS(parse("a,b\n1,\"open\n2,3\n"),
                       "t.csv: line 2, column 3: unterminated quoted field (the closing '\"' is missing before the end of the file)",
                       Error);
  CHECK_THROWS_WITH_AS(parse("a,b\n\"x\"y,1\n"),
                       "t.csv: line 2, column 4: unexpected character 'y' after a closing quote; a quote inside a quoted "
                       "field must be doubled (\"\")",
                       Error);
}

TEST_CASE("invalid UTF-8 is rejected with its position") {
  CHECK_THROWS_WITH_AS(parse("id,city\n1,K\xF6ln\n"),
                       "t.csv: line 2, column 4: invalid UTF-8 (byte 0xF6); convert the file to UTF-8, e.g. iconv -f "
                       "latin1 -t utf-8",
                       Error);
  // Columns count characters, so a valid multi-byte character before the bad byte counts once.
  CHECK_THROWS_WITH(parse("a\n\xC3\xA9\xC0\n"), doctest::Contains("line 2, column 2: invalid UTF-8 (byte 0xC0)"));
  CHECK_THROWS_AS(parse("a\n\xED\xA0\x80\n"), Error);          // a UTF-16 surrogate
  CHECK_THROWS_AS(parse("a\n\xE2\x82\n"), Error);              // truncated sequence
  CHECK(parse("a\n\xF0\x9F\x98\x80\n").column("a").string_at(0) == "\xF0\x9F\x98\x80");
}

TEST_CASE("type inference: int64, then double, then date, then timestamp, else string") {
  const Table t = parse(
      "i,d,dt,ts,s,mixed,neg\n"
      "1,1.5,2024-01-31,2024-01-31 10:00:00,a,1,-7\n"
      "+2,3,2024-02-29,2024-02-01T00:00,b,2024-01-01,-9223372036854775808\n"
      ",1e3,,2024-02-02,,x,\n");
  CHECK(t.column("i").type() == ColumnType::Int64);
  CHECK(t.column("i").int_at(1) == 2);
  CHECK(t.column("i").is_null(2));
  CHECK(t.column("d").type() == ColumnType::Double);
  CHECK(t.column("d").double_at(2) == 1000.0);
  CHECK(t.column("dt").type() == ColumnType::Date);
  CHECK(t.column("dt").int_at(1) == days_from_civil(2024, 2, 29));
  CHECK(t.column("ts").type() == ColumnType::Timestamp);  // a bare date mixed with timestamps
  CHECK(t.column("ts").int_at(2) == days_from_civil(2024, 2, 2) * kMicrosPerDay);
  CHECK(t.column("s").type() == ColumnType::String);
  CHECK(t.column("mixed").type() == ColumnType::String);
  CHECK(t.column("neg").int_at(1) == INT64_MIN);
}

TEST_CASE("inference edge cases: overflow, invalid dates, all-null columns") {
  const Table t = parse("big,baddate,nothing\n99999999999999999999,2023-02-29,\n1,2023-01-01,\n");
  CHECK(t.column("big").type() == ColumnType::Double);
  CHECK(t.column("baddate").type() == ColumnType::String);
  CHECK(t.column("nothing").type() == ColumnType::String);
  CHECK(t.column("nothing").null_count() == 2);
}

TEST_CASE("null_values: custom markers, quoted markers stay strings") {
  ReadOptions opt;
  opt.null_values = {"NA", "-"};
  const Table t = parse("q,s\nNA,\"NA\"\n3,-\n,x\n", opt);
  CHECK(t.column("q").type() == ColumnType::String);  // "" is not null here, so it is a string value
  ReadOptions with_empty;
  with_empty.null_values = {"NA", ""};
  const Table u = parse("q,s\nNA,\"NA\"\n3,-\n,x\n", with_empty);
  CHECK(u.column("q").type() == ColumnType::Int64);
  CHECK(u.column("q").null_count() == 2);
  CHECK(u.column("s").string_at(0) == "NA");
  CHECK_FALSE(u.column("s").is_null(0));
}

TEST_CASE("explicit schema: types are enforced with line and column in the message") {
  ReadOptions opt;
  opt.schema = parse_column_specs({"qty:int64"});
  const Table ok = parse("id,qty\n001,5\n", opt);
  CHECK(ok.column("qty").type() == ColumnType::Int64);
  CHECK(ok.column("id").type() == ColumnType::Int64);  // unlisted columns are inferred

  std::string text = "id,qty\n";
  for (int i = 2; i <= 11; ++i) text += std::to_string(i) + "," + std::to_string(i) + "\n";
  text += "12,abc\n";
  CHECK_THROWS_WITH_AS(parse(text, opt),
                       "t.csv: line 12, column 'qty': 'abc' is not an int64; fix the value, add it to null_values, or "
                       "change the schema",
                       Error);
  ReadOptions dates;
  dates.schema = parse_column_specs({"d:date", "s:string"});
  const Table t = parse("d,s\n2024-01-02,007\n", dates);
  CHECK(t.column("s").string_at(0) == "007");
  CHECK_THROWS_WITH(parse("d,s\n2024-13-01,x\n", dates), doctest::Contains("'2024-13-01' is not a date (expected YYYY-MM-DD)"));
  ReadOptions unknown;
  unknown.schema = parse_column_specs({"nope:int64"});
  CHECK_THROWS_WITH_AS(parse("a,b\n1,2\n", unknown),
                       "t.csv: the schema names column 'nope', which the header does not have; the header has: a, b", Error);
}

TEST_CASE("without a header the schema names every column in order") {
  ReadOptions opt;
  opt.header = false;
  opt.schema = parse_column_specs({"id:int64", "when:timestamp"});
  const Table t = parse("1,2024-01-01 00:00:01\n", opt);
  CHECK(t.column("when").int_at(0) == days_from_civil(2024, 1, 1) * kMicrosPerDay + 1'000'000);
  opt.schema.pop_back();
  CHECK_THROWS_WITH(parse("1,2\n", opt), doctest::Contains("the schema lists 1 columns but the rows have 2 fields"));
  ReadOptions plain;
  plain.header = false;
  CHECK(parse("1,x\n", plain).column_names() == std::vector<std::string>{"column_1", "column_2"});
}

TEST_CASE("schema entries are checked") {
  CHECK_THROWS_WITH_AS(parse_column_specs({"qty"}), "schema entry 'qty' is not \"name:type\" (types: int64, double, string, date, timestamp)", Error);
  CHECK_THROWS_WITH_AS(parse_column_specs({"qty:integer"}), "schema entry 'qty:integer': unknown type 'integer' (use int64, double, string, date or timestamp)", Error);
  CHECK_THROWS_AS(parse_column_specs({"a:int64", "a:double"}), Error);
  CHECK(parse_column_specs({"a:b:int64"})[0].name == "a:b");
}

TEST_CASE("header problems: duplicates are errors, empty names get a position name") {
  CHECK_THROWS_WITH_AS(parse("a,b,a\n1,2,3\n"), "t.csv: line 1: duplicate column name 'a' (columns 1 and 3); rename one of them", Error);
  CHECK(parse(",b\n1,2\n").column_names() == std::vector<std::string>{"column_1", "b"});
}

TEST_CASE("other delimiters") {
  ReadOptions opt;
  opt.delimiter = '\t';
  const Table t = parse("a\tb\n1,5\t\"x\ty\"\n", opt);
  CHECK(t.column("a").string_at(0) == "1,5");
  CHECK(t.column("b").string_at(0) == "x\ty");
  opt.delimiter = '"';
  CHECK_THROWS_AS(parse("a\n", opt), Error);
}

TEST_CASE("line_and_column counts lines and characters") {
  CHECK(line_and_column("ab\ncd", 4) == std::pair<std::size_t, std::size_t>{2, 2});
  CHECK(line_and_column("\xC3\xA9x", 2) == std::pair<std::size_t, std::size_t>{1, 2});
}

TEST_CASE("random inputs give a table or a sluice::Error, never anything else") {
  // A cheap stand-in for the fuzzer: short strings over the characters that matter.
  const char alphabet[] = {'a', '1', '-', ',', '"', '\n', '\r', ' ', '\xC3', '\xA9', '\xFF', ';'};
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(state >> 33);
  };
  std::size_t tables = 0, errors = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text(next() % 24, 'a');
    for (auto& c : text) c = alphabet[next() % sizeof alphabet];
    ReadOptions opt;
    opt.header = next() % 2 == 0;
    try {
      const Table t = parse(text, opt);
      t.check_rectangular();
      ++tables;
    } catch (const Error&) {
      ++errors;
    }
  }
  CHECK(tables > 1000);
  CHECK(errors > 1000);
}
