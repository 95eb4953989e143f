// Table and Column: typed storage, nulls, strings, copying rows, raw buffers.
#include <doctest/doctest.h>

#include <sluice/errors.hpp>
#include <sluice/table.hpp>

#include <limits>

using namespace sluice;

TEST_CASE("a column keeps no validity vector until the first null") {
  Column c("x", ColumnType::Int64);
  c.push_int(1);
  c.push_int(2);
  CHECK_FALSE(c.has_nulls());
  CHECK(c.validity().empty());
  c.push_null();
  c.push_int(4);
  CHECK(c.size() == 4);
  CHECK(c.null_count() == 1);
  CHECK(c.validity() == std::vector<std::uint8_t>{1, 1, 0, 1});
  CHECK_FALSE(c.is_null(0));
  CHECK(c.is_null(2));
  CHECK(c.int_at(2) == 0);  // a null slot holds zero, so equal tables encode alike
  CHECK(c.int_at(3) == 4);
}

TEST_CASE("double, date and timestamp columns store their values") {
  Column d("d", ColumnType::Double);
  d.push_double(1.5);
  d.push_null();
  CHECK(d.double_at(0) == 1.5);
  CHECK(d.numeric_at(0) == 1.5);
  CHECK(d.is_null(1));
  CHECK_FALSE(d.is_integer_storage());

  Column day("ds", ColumnType::Date);
  day.push_int(19'723);
  CHECK(day.is_integer_storage());
  CHECK(day.numeric_at(0) == 19'723.0);

  Column ts("at", ColumnType::Timestamp);
  ts.push_int(kMicrosPerDay);
  CHECK(ts.ints() == std::vector<std::int64_t>{kMicrosPerDay});
}

TEST_CASE("string columns: offsets, empty strings, nulls and embedded NULs") {
  Column s("name", ColumnType::String);
  s.push_string("Ada");
  s.push_string("");
  s.push_null();
  s.push_string(std::string_view("a\0b", 3));
  REQUIRE(s.size() == 4);
  CHECK(s.string_at(0) == "Ada");
  CHECK(s.string_at(1).empty());
  CHECK(s.is_null(2));
  CHECK(s.string_at(2).empty());
  CHECK(s.string_at(3) == std::string_view("a\0b", 3));
  CHECK(s.string_offsets() == std::vector<std::uint64_t>{0, 3, 3, 3, 6});
  CHECK(s.string_bytes().size() == 6);
  CHECK_THROWS_WITH_AS(s.numeric_at(0), "column 'name' is a string column, not numeric", Error);
}

TEST_CASE("push_from copies values and nulls of every type") {
  Table src;
  src.add_column("i", ColumnType::Int64).push_int(7);
  src.add_column("d", ColumnType::Double).push_null();
  src.add_column("s", ColumnType::String).push_string("x");
  src.column("i").push_null();
  src.column("d").push_double(2.5);
  src.column("s").push_null();

  Table dst = src.empty_like();
  CHECK(dst.num_rows() == 0);
  CHECK(dst.column_names() == std::vector<std::string>{"i", "d", "s"});
  dst.append_row(src, 1);
  dst.append_row(src, 0);
  CHECK(dst.column("i").is_null(0));
  CHECK(dst.column("i").int_at(1) == 7);
  CHECK(dst.column("d").double_at(0) == 2.5);
  CHECK(dst.column("d").is_null(1));
  CHECK(dst.column("s").is_null(0));
  CHECK(dst.column("s").string_at(1) == "x");
  CHECK(dst.column("s").null_count() == 1);
}

TEST_CASE("add_column rejects duplicates and a filled column of the wrong length") {
  Table t;
  t.add_column("a", ColumnType::Int64).push_int(1);
  CHECK_THROWS_WITH_AS(t.add_column("a", ColumnType::Double), "duplicate column 'a'", std::invalid_argument);
  Column two("b", ColumnType::Int64);
  two.push_int(1);
  two.push_int(2);
  CHECK_THROWS_WITH_AS(t.add_column(std::move(two)), "column 'b' has 2 rows, the table has 1", std::invalid_argument);
}

TEST_CASE("a column reference from add_column survives adding more columns") {
  Table t;
  Column& first = t.add_column("first", ColumnType::Int64);
  for (int i = 0; i < 40; ++i) t.add_column("c" + std::to_string(i), ColumnType::Int64);
  first.push_int(5);
  CHECK(t.column("first").int_at(0) == 5);
}

TEST_CASE("missing columns and wrong types are named with what is available") {
  Table t;
  t.add_column("a", ColumnType::String);
  t.add_column("b", ColumnType::Int64);
  CHECK_THROWS_WITH_AS(t.column("z"), "missing column 'z'; the input has: a, b", MissingColumn);
  CHECK_THROWS_WITH_AS(Table{}.column("z"), "missing column 'z'; the input has: (none)", MissingColumn);
  CHECK_THROWS_WITH_AS(t.require("a", {ColumnType::Int64, ColumnType::Double}),
                       "column 'a' has type string, expected int64 or double", Error);
  CHECK(&t.require("b", {ColumnType::Int64}) == t.find("b"));
  CHECK(t.find("z") == nullptr);
}

TEST_CASE("check_rectangular names the short column") {
  Table t;
  t.add_column("a", ColumnType::Int64).push_int(1);
  t.add_column("b", ColumnType::Int64);  // builder style: added empty, filled later
  CHECK_THROWS_WITH_AS(t.check_rectangular(), "column 'b' has 0 rows, expected 1", std::logic_error);
  t.column("b").push_int(2);
  CHECK_NOTHROW(t.check_rectangular());
}

TEST_CASE("column type names round-trip and an unknown one is explained") {
  for (auto type : {ColumnType::Int64, ColumnType::Double, ColumnType::String, ColumnType::Date, ColumnType::Timestamp}) {
    CHECK(column_type_from_string(to_string(type)) == type);
  }
  CHECK_THROWS_WITH_AS(column_type_from_string("float"),
                       "unknown column type 'float' (expected int64, double, string, date or timestamp)",
                       std::invalid_argument);
}

TEST_CASE("assign_raw accepts consistent buffers and counts nulls") {
  Column s("s", ColumnType::String);
  s.assign_raw(2, {}, {}, {0, 2, 5}, "abcde", {1, 0});
  CHECK(s.size() == 2);
  CHECK(s.string_at(0) == "ab");
  CHECK(s.is_null(1));
  CHECK(s.null_count() == 1);

  Column i("i", ColumnType::Date);
  i.assign_raw(3, {1, 2, 3}, {}, {0}, "", {1, 1, 1});
  CHECK_FALSE(i.has_nulls());
  CHECK(i.validity().empty());  // all-valid collapses to "no validity vector"
}

TEST_CASE("assign_raw rejects inconsistent buffers") {
  const std::string msg = "column 'c': inconsistent buffer sizes";
  Column ints("c", ColumnType::Int64);
  CHECK_THROWS_WITH_AS(ints.assign_raw(2, {1}, {}, {0}, "", {}), msg.c_str(), Error);
  CHECK_THROWS_WITH_AS(ints.assign_raw(1, {1}, {0.5}, {0}, "", {}), msg.c_str(), Error);
  CHECK_THROWS_WITH_AS(ints.assign_raw(1, {1}, {}, {0}, "", {1, 1}), msg.c_str(), Error);
  Column dbl("c", ColumnType::Double);
  CHECK_THROWS_WITH_AS(dbl.assign_raw(1, {}, {}, {0}, "", {}), msg.c_str(), Error);
  Column str("c", ColumnType::String);
  CHECK_THROWS_WITH_AS(str.assign_raw(1, {}, {}, {0, 4}, "abc", {}), msg.c_str(), Error);   // end != bytes
  CHECK_THROWS_WITH_AS(str.assign_raw(2, {}, {}, {0, 3, 2}, "ab", {}), msg.c_str(), Error);  // not sorted
  CHECK_THROWS_WITH_AS(str.assign_raw(1, {}, {}, {1, 2}, "ab", {}), msg.c_str(), Error);     // does not start at 0
  CHECK_THROWS_WITH_AS(str.assign_raw(2, {}, {}, {0, 2}, "ab", {}), msg.c_str(), Error);     // too few offsets
  // A rejected assignment leaves the column as it was.
  CHECK(str.size() == 0);
}

TEST_CASE("slice copies a run of rows of every type, nulls included, like push_from row by row") {
  Column ints("i", ColumnType::Date), doubles("d", ColumnType::Double), strings("s", ColumnType::String);
  for (int r = 0; r < 9; ++r) {
    if (r % 4 == 1) {
      ints.push_null();
      doubles.push_null();
      strings.push_null();
    } else {
      ints.push_int(r * 10);
      doubles.push_double(r + 0.5);
      strings.push_string(std::string(static_cast<std::size_t>(r), 'a' + static_cast<char>(r)));
    }
  }
  for (const Column* src : {&ints, &doubles, &strings}) {
    for (std::size_t begin = 0; begin <= src->size(); ++begin) {
      for (std::size_t end = begin; end <= src->size(); ++end) {
        CAPTURE(src->name());
        CAPTURE(begin);
        CAPTURE(end);
        Column expected(src->name(), src->type());
        for (std::size_t r = begin; r < end; ++r) expected.push_from(*src, r);
        const Column got = src->slice(begin, end);
        CHECK(got.type() == src->type());
        CHECK(got.size() == end - begin);
        CHECK(got.null_count() == expected.null_count());
        CHECK(got.validity() == expected.validity());  // none at all when the run has no nulls
        CHECK(got.ints() == expected.ints());
        CHECK(got.doubles() == expected.doubles());
        CHECK(got.string_offsets() == expected.string_offsets());
        CHECK(got.string_bytes() == expected.string_bytes());
      }
    }
  }
  CHECK_THROWS_WITH_AS((void)ints.slice(3, 10), "column 'i': rows [3, 10) are not within its 9 rows", std::out_of_range);
  CHECK_THROWS_AS((void)ints.slice(5, 4), std::out_of_range);
}

TEST_CASE("cell_display writes one cell for a message, by its type") {
  Column ints("n", ColumnType::Int64), doubles("x", ColumnType::Double), text("s", ColumnType::String),
      days("d", ColumnType::Date), times("t", ColumnType::Timestamp);
  ints.push_int(-7);
  ints.push_null();
  doubles.push_double(-100000.0);
  doubles.push_double(std::numeric_limits<double>::infinity());
  text.push_string("north");
  days.push_int(days_from_civil(2021, 3, 4));
  times.push_int(days_from_civil(2021, 3, 4) * kMicrosPerDay + 3'600'000'000LL);
  CHECK(cell_display(ints, 0) == "-7");
  CHECK(cell_display(ints, 1) == "null");
  CHECK(cell_display(doubles, 0) == "-100000.0");
  CHECK(cell_display(doubles, 1) == "inf");
  CHECK(cell_display(text, 0) == "\"north\"");
  CHECK(cell_display(days, 0) == "2021-03-04");
  CHECK(cell_display(times, 0) == "2021-03-04 01:00:00");
}

TEST_CASE("group_thousands puts a comma every three digits from the right, after any sign") {
  CHECK(sluice::group_thousands("0") == "0");
  CHECK(sluice::group_thousands("999") == "999");
  CHECK(sluice::group_thousands("3286") == "3,286");
  CHECK(sluice::group_thousands("1234567") == "1,234,567");
  CHECK(sluice::group_thousands("-1234567") == "-1,234,567");
  CHECK(sluice::group_thousands("+100000") == "+100,000");
  CHECK(sluice::group_thousands("12.5") == "12.5");  // not a run of digits: as given
  CHECK(sluice::group_thousands("-") == "-");
  CHECK(sluice::group_thousands("") == "");
}
