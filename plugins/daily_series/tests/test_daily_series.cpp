// sluice.daily_series end to end: aggregation, filling, keys, clipping, time zones, errors.
#include <doctest/doctest.h>

#include <cmath>
#include <sluice/testing.hpp>

#include "iso_timestamp.hpp"
#include "stages.hpp"

using namespace sluice;
using namespace sluice::daily;

namespace {

std::int64_t day(int y, unsigned m, unsigned d) { return days_from_civil(y, m, d); }

// Transactions: store (int64), sold_at (string), quantity (int64), price (double).
Table sales(const std::vector<std::tuple<std::int64_t, std::string, std::int64_t, double>>& rows) {
  Column store("store_id", ColumnType::Int64), at("sold_at", ColumnType::String), q("quantity", ColumnType::Int64),
      p("unit_price", ColumnType::Double);
  for (const auto& [s, t, qty, price] : rows) {
    store.push_int(s);
    at.push_string(t);
    q.push_int(qty);
    p.push_double(price);
  }
  Table out;
  for (Column* c : {&store, &at, &q, &p}) out.add_column(std::move(*c));
  return out;
}

Table run(std::initializer_list<std::pair<const char*, ParamValue>> params, const Table& in) {
  testing::TestContext ctx;
  auto out = testing::run_stage(daily_series_descriptor(), make_daily_series, params, {{"in", Value(in)}}, ctx);
  return std::get<Table>(out.values().at("out"));
}

// "store:YYYY-MM-DD=y" lines, y printed with %g or "null", for compact comparisons.
std::vector<std::string> rows_of(const Table& t, const char* key = "store_id") {
  std::vector<std::string> out;
  const Column* k = t.find(key);
  for (std::size_t r = 0; r < t.num_rows(); ++r) {
    std::string line = k ? std::to_string(k->int_at(r)) + ":" : "";
    line += format_date(t.column("ds").int_at(r)) + "=";
    if (t.column("y").is_null(r)) {
      line += "null";
    } else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", t.column("y").double_at(r));
      line += buf;
    }
    out.push_back(line);
  }
  return out;
}

const Table kSales = sales({
    {2, "2024-03-01 10:00:00", 1, 5.0},
    {1, "2024-03-01 09:00:00", 2, 3.5},
    {1, "2024-03-01T18:30:00", 1, 1.0},
    {1, "2024-03-04 08:00:00", 4, 0.5},
    {2, "2024-03-02 23:59:59.999", 3, 2.0},
});

}  // namespace

TEST_CASE("sum of quantity * unit_price per store and day, missing days filled with zero, sorted") {
  const Table t = run({{"keys", ParamValue::strings({"store_id"})}, {"ts", "sold_at"}, {"value", "quantity * unit_price"}}, kSales);
  CHECK(t.column_names() == std::vector<std::string>{"store_id", "ds", "y"});
  CHECK(t.column("store_id").type() == ColumnType::Int64);
  CHECK(t.column("ds").type() == ColumnType::Date);
  CHECK(rows_of(t) == std::vector<std::string>{"1:2024-03-01=8", "1:2024-03-02=0", "1:2024-03-03=0", "1:2024-03-04=2",
                                               "2:2024-03-01=5", "2:2024-03-02=6"});
}

TEST_CASE("mean, count, min, max and fill = null") {
  auto base = [](const char* agg, const char* fill) {
    return run({{"keys", ParamValue::strings({"store_id"})}, {"ts", "sold_at"}, {"value", "unit_price"}, {"agg", agg}, {"fill", fill}},
               kSales);
  };
  CHECK(rows_of(base("mean", "null")) == std::vector<std::string>{"1:2024-03-01=2.25", "1:2024-03-02=null", "1:2024-03-03=null",
                                                                   "1:2024-03-04=0.5", "2:2024-03-01=5", "2:2024-03-02=2"});
  CHECK(rows_of(base("count", "null")) == std::vector<std::string>{"1:2024-03-01=2", "1:2024-03-02=0", "1:2024-03-03=0",
                                                                    "1:2024-03-04=1", "2:2024-03-01=1", "2:2024-03-02=1"});
  CHECK(rows_of(base("min", "zero"))[0] == "1:2024-03-01=1");
  CHECK(rows_of(base("max", "zero"))[0] == "1:2024-03-01=3.5");
}

TEST_CASE("no keys: one series over all rows, count without a value counts rows") {
  const Table t = run({{"ts", "sold_at"}, {"agg", "count"}}, kSales);
  CHECK(t.column_names() == std::vector<std::string>{"ds", "y"});
  CHECK(rows_of(t) == std::vector<std::string>{"2024-03-01=3", "2024-03-02=1", "2024-03-03=0", "2024-03-04=1"});
}

TEST_CASE("null values are skipped, a day with only nulls is a missing day") {
  Column k("k", ColumnType::String), ts("ts", ColumnType::Date), v("v", ColumnType::Double);
  k.push_string("b"), ts.push_int(day(2024, 1, 1)), v.push_double(1);
  k.push_string("a"), ts.push_int(day(2024, 1, 1)), v.push_null();
  k.push_string("a"), ts.push_int(day(2024, 1, 2)), v.push_double(2);
  k.push_null(), ts.push_int(day(2024, 1, 1)), v.push_double(7);
  Table in;
  for (Column* c : {&k, &ts, &v}) in.add_column(std::move(*c));
  const Table t = run({{"keys", ParamValue::strings({"k"})}, {"ts", "ts"}, {"value", "v"}, {"fill", "null"}}, in);
  REQUIRE(t.num_rows() == 4);
  CHECK(t.column("k").is_null(0));  // null keys form their own series, sorted first
  CHECK(t.column("y").double_at(0) == 7);
  CHECK(t.column("k").string_at(1) == "a");
  CHECK(t.column("y").is_null(1));
  CHECK(t.column("y").double_at(2) == 2);
  CHECK(t.column("k").string_at(3) == "b");
}

TEST_CASE("two keys of different types") {
  Column region("region", ColumnType::String), store("store", ColumnType::Int64), ts("ts", ColumnType::Timestamp),
      v("v", ColumnType::Int64);
  const std::int64_t d0 = day(2024, 5, 1) * kMicrosPerDay;
  for (auto [r, s, off, val] : std::vector<std::tuple<const char*, int, int, int>>{
           {"north", 2, 0, 1}, {"north", 1, 0, 2}, {"south", 1, 1, 3}, {"north", 2, 0, 4}}) {
    region.push_string(r), store.push_int(s), ts.push_int(d0 + off * kMicrosPerDay + 3600'000'000LL), v.push_int(val);
  }
  Table in;
  for (Column* c : {&region, &store, &ts, &v}) in.add_column(std::move(*c));
  const Table t = run({{"keys", ParamValue::strings({"region", "store"})}, {"ts", "ts"}, {"value", "v"}}, in);
  REQUIRE(t.num_rows() == 3);
  CHECK(t.column("region").string_at(0) == "north");
  CHECK(t.column("store").int_at(0) == 1);
  CHECK(t.column("store").int_at(1) == 2);
  CHECK(t.column("y").double_at(1) == 5);
  CHECK(t.column("region").string_at(2) == "south");
  CHECK(t.column("ds").int_at(2) == day(2024, 5, 2));
}

TEST_CASE("start and end clip the days") {
  const Table t = run({{"keys", ParamValue::strings({"store_id"})}, {"ts", "sold_at"}, {"value", "quantity"},
                       {"start", "2024-03-02"}, {"end", "2024-03-03"}},
                      kSales);
  CHECK(rows_of(t) == std::vector<std::string>{"2:2024-03-02=3"});
  CHECK_THROWS_WITH_AS(run({{"ts", "sold_at"}, {"value", "quantity"}, {"start", "2024-03-05"}, {"end", "2024-03-01"}}, kSales),
                       "parameter 'end' (2024-03-01) is before 'start' (2024-03-05)", ParamError);
  CHECK_THROWS_WITH(run({{"ts", "sold_at"}, {"value", "quantity"}, {"start", "March"}}, kSales),
                    doctest::Contains("parameter 'start': invalid date 'March'"));
}

TEST_CASE("timezone Europe/Berlin: UTC instants become Berlin days across the spring DST change") {
  // DST starts 2024-03-31 01:00 UTC: Berlin is UTC+1 before and UTC+2 after.
  Column ts("ts", ColumnType::Timestamp), v("v", ColumnType::Int64);
  auto utc = [](unsigned d, int h, int m) { return day(2024, 3, d) * kMicrosPerDay + (h * 3600LL + m * 60LL) * 1'000'000; };
  ts.push_int(utc(30, 22, 59)), v.push_int(1);    // 23:59 CET, March 30
  ts.push_int(utc(30, 23, 0)), v.push_int(10);    // 00:00 CET, March 31
  ts.push_int(utc(31, 21, 59)), v.push_int(100);  // 23:59 CEST, March 31
  ts.push_int(utc(31, 22, 0)), v.push_int(1000);  // 00:00 CEST, April 1
  Table in;
  in.add_column(std::move(ts));
  in.add_column(std::move(v));
  CHECK(rows_of(run({{"ts", "ts"}, {"value", "v"}, {"timezone", "Europe/Berlin"}}, in)) ==
        std::vector<std::string>{"2024-03-30=1", "2024-03-31=110", "2024-04-01=1000"});
  // The same instants read as local wall-clock times.
  CHECK(rows_of(run({{"ts", "ts"}, {"value", "v"}}, in)) == std::vector<std::string>{"2024-03-30=11", "2024-03-31=1100"});
  CHECK(rows_of(run({{"ts", "ts"}, {"value", "v"}, {"timezone", "UTC"}}, in)) ==
        std::vector<std::string>{"2024-03-30=11", "2024-03-31=1100"});
}

TEST_CASE("timezone with string timestamps: Z and offsets are honoured, autumn DST change") {
  // DST ends 2024-10-27 01:00 UTC: Berlin goes from UTC+2 to UTC+1.
  const Table in = sales({{1, "2024-10-26T21:59:00Z", 1, 1}, {1, "2024-10-26 22:00:00", 1, 10},
                          {1, "2024-10-27T22:59:00", 1, 100}, {1, "2024-10-28T00:30:00+01:00", 1, 1000}});
  CHECK(rows_of(run({{"ts", "sold_at"}, {"value", "unit_price"}, {"timezone", "Europe/Berlin"}}, in), "-") ==
        std::vector<std::string>{"2024-10-26=1", "2024-10-27=110", "2024-10-28=1000"});
  CHECK_THROWS_WITH_AS(run({{"ts", "sold_at"}, {"value", "unit_price"}, {"timezone", "Europe/Berln"}}, in),
                       "parameter 'timezone': 'Europe/Berln' is not a known IANA time zone; use \"local\" (wall-clock "
                       "timestamps) or a name such as \"UTC\" or \"Europe/Berlin\" (UTC timestamps, days in that zone)",
                       ParamError);
}

TEST_CASE("errors: missing columns list what exists, bad types and timestamps name the row") {
  CHECK_THROWS_WITH_AS(run({{"keys", ParamValue::strings({"store"})}, {"ts", "sold_at"}, {"value", "quantity"}}, kSales),
                       "parameter 'keys': missing column 'store'; the input has: store_id, sold_at, quantity, unit_price",
                       MissingColumn);
  CHECK_THROWS_WITH_AS(run({{"ts", "when"}, {"value", "quantity"}}, kSales),
                       "parameter 'ts': missing column 'when'; the input has: store_id, sold_at, quantity, unit_price", MissingColumn);
  CHECK_THROWS_WITH_AS(run({{"ts", "sold_at"}, {"value", "qty * unit_price"}}, kSales),
                       "value expression 'qty * unit_price': missing column 'qty'; the input has: store_id, sold_at, quantity, unit_price",
                       MissingColumn);
  CHECK_THROWS_WITH_AS(run({{"ts", "sold_at"}, {"value", "sold_at"}}, kSales),
                       "value expression 'sold_at': column 'sold_at' has type string; the value must be numeric (int64 or double)", Error);
  CHECK_THROWS_WITH_AS(run({{"ts", "quantity"}, {"value", "quantity"}}, kSales),
                       "column 'quantity' has type int64; ts must name a timestamp, date or string (ISO-8601) column", Error);
  const Table bad = sales({{1, "2024-03-01", 1, 1}, {1, "01/03/2024", 1, 1}});
  CHECK_THROWS_WITH_AS(run({{"ts", "sold_at"}, {"value", "quantity"}}, bad),
                       "row 2: cannot parse '01/03/2024' in column 'sold_at' as a timestamp (expected ISO-8601 such as "
                       "2024-03-31, 2024-03-31 14:05:00 or 2024-03-31T12:05:00Z)",
                       Error);
  CHECK_THROWS_WITH_AS(run({{"ts", "sold_at"}}, kSales),
                       "parameter 'value' is required unless agg = \"count\"; e.g. value = \"quantity * unit_price\"", ParamError);
  CHECK_THROWS_WITH_AS(run({{"keys", ParamValue::strings({"ds"})}, {"ts", "sold_at"}, {"value", "quantity"}}, kSales),
                       "parameter 'keys': a key column cannot be named 'ds', which is an output column; rename it upstream", ParamError);
  // It made one series per distinct sold_at, each one row long.
  CHECK_THROWS_WITH_AS(run({{"keys", ParamValue::strings({"sold_at"})}, {"ts", "sold_at"}, {"value", "quantity"}}, kSales),
                       "parameter 'keys': 'sold_at' is the ts column, which gives the days; keys name the columns "
                       "that identify a series (e.g. keys = [\"store_id\"])",
                       ParamError);
  CHECK_THROWS_WITH_AS(run({{"ts", "sold_at"}, {"value", "quantity"}, {"agg", "median"}}, kSales),
                       doctest::Contains("median"), ParamError);
}

TEST_CASE("a gap of years inside a series (a mistyped year) is a warning, or an error past max_gap_days") {
  // Store 7's first sale says 2012 where 2021 was meant: its series would start nine years early.
  const Table typo = sales({{7, "2012-03-04 10:00", 1, 2.0}, {7, "2021-03-04 10:00", 1, 2.0}, {7, "2021-03-05 10:00", 1, 2.0},
                            {8, "2021-03-04 10:00", 1, 2.0}, {8, "2021-03-06 10:00", 1, 2.0}});
  testing::TestContext ctx;
  const auto out = testing::run_stage(daily_series_descriptor(), make_daily_series,
                                      {{"keys", ParamValue::strings({"store_id"})}, {"ts", "sold_at"}, {"value", "quantity"}},
                                      {{"in", Value(typo)}}, ctx);
  CHECK(std::get<Table>(out.values().at("out")).num_rows() == 3289 + 3);  // still filled, as documented
  REQUIRE(ctx.messages.size() == 1);
  CHECK(ctx.messages[0] ==
        "series store_id=7 has 3,286 days without values, from 2012-03-05 to 2021-03-03, which are filled as missing "
        "days; a mistyped date? Drop the early rows with 'start', or set max_gap_days to make such a gap an error");

  // Store 8's one-day gap is within any limit; store 7's is not.
  CHECK_THROWS_WITH_AS(run({{"keys", ParamValue::strings({"store_id"})}, {"ts", "sold_at"}, {"value", "quantity"},
                            {"max_gap_days", ParamValue(std::int64_t{30})}},
                           typo),
                       "series store_id=7 has 3,286 days without values, from 2012-03-05 to 2021-03-03, more than "
                       "max_gap_days = 30; a mistyped date? Fix the source, drop the early rows with 'start', or raise "
                       "max_gap_days",
                       Error);
  // With max_gap_days = 0 both stores fail; the longest gap is named and the other counted.
  CHECK_THROWS_WITH_AS(run({{"keys", ParamValue::strings({"store_id"})}, {"ts", "sold_at"}, {"value", "quantity"},
                            {"max_gap_days", ParamValue(std::int64_t{0})}},
                           typo),
                       doctest::Contains("store_id=7 has 3,286 days without values, from 2012-03-05 to 2021-03-03 (and 1 "
                                         "more series have a long gap)"),
                       Error);
  // Short gaps (a store closed on Sundays) say nothing.
  testing::TestContext quiet;
  testing::run_stage(daily_series_descriptor(), make_daily_series, {{"ts", "sold_at"}, {"value", "quantity"}},
                     {{"in", Value(kSales)}}, quiet);
  CHECK(quiet.messages.empty());
}

TEST_CASE("empty input gives an empty series with the right columns") {
  const Table t = run({{"keys", ParamValue::strings({"store_id"})}, {"ts", "sold_at"}, {"value", "quantity"}}, sales({}));
  CHECK(t.num_rows() == 0);
  CHECK(t.column_names() == std::vector<std::string>{"store_id", "ds", "y"});
}

TEST_CASE("ISO timestamp parser") {
  IsoTimestamp p;
  CHECK(parse_iso_timestamp("2024-02-29", p));
  CHECK(p.days == day(2024, 2, 29));
  CHECK(parse_iso_timestamp("2024-02-29T23:59:60.5+05:30", p));
  CHECK(p.offset_micros == (5 * 3600LL + 30 * 60) * 1'000'000);
  CHECK(p.micros_of_day == (23 * 3600LL + 59 * 60 + 60) * 1'000'000 + 500'000);
  CHECK(parse_iso_timestamp("2024-01-01 00:00-0100", p));
  CHECK(p.offset_micros == -3600LL * 1'000'000);
  for (const char* bad : {"2023-02-29", "2024-1-01", "2024-01-01X", "2024-01-01 24:00", "2024-01-01 10:00:0",
                          "2024-01-01 10:00:00.", "2024-01-01T10:00+1", "", "2024-01-01 10:00Zx"}) {
    INFO(bad);
    CHECK_FALSE(parse_iso_timestamp(bad, p));
  }
}
