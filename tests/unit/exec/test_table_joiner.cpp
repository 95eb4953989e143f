// TableJoiner: appending parts one at a time, with no size known in advance, gives the join of all
// of them at once (concat_tables, sized exactly) and the table built row by row, byte for byte,
// whatever the order of nulls, types and empty parts.
#include <doctest/doctest.h>

#include <sluice/errors.hpp>
#include <sluice/serialize.hpp>

#include <string>
#include <vector>

#include "exec/partition.hpp"
#include "exec/table_joiner.hpp"

using namespace sluice;
using namespace sluice::engine;

namespace {
// Part `p` of a join: `rows` rows of an int key, a double with some nulls, a string with some
// nulls, a column `maybe` that has values only when `typed` (else nulls only, typed double as a
// SQL result types them) and dates with nulls from part 30 on.
Table part(int p, int rows, bool typed) {
  Table t;
  Column& k = t.add_column("k", ColumnType::Int64);
  Column& d = t.add_column("d", ColumnType::Double);
  Column& s = t.add_column("s", ColumnType::String);
  Column& maybe = t.add_column("maybe", typed ? ColumnType::String : ColumnType::Double);
  Column& late = t.add_column("late", ColumnType::Date);  // its first null in part 30
  for (int r = 0; r < rows; ++r) {
    k.push_int(p * 1000 + r);
    if ((p + r) % 7 == 3) d.push_null(); else d.push_double(p + r * 0.5);
    if (p % 4 == 1 && r % 3 == 0) s.push_null(); else s.push_string(std::string(static_cast<std::size_t>(r % 5), 'a' + p % 26));
    if (!typed) maybe.push_null(); else maybe.push_string("m" + std::to_string(r));
    if (p >= 30 && r == 1) late.push_null(); else late.push_int(19'000 + r);
  }
  return t;
}

Table appended(const std::vector<Table>& parts, std::size_t expected_parts) {
  TableJoiner joiner(expected_parts);
  for (const Table& t : parts) joiner.append(t);
  return joiner.finish();
}

// The reference: every row appended on its own to columns of the joined types.
Table row_by_row(const std::vector<Table>& parts, ColumnType maybe_type) {
  Table out;
  for (const auto& name : parts.front().column_names())
    out.add_column(name, name == "maybe" ? maybe_type : parts.front().column(name).type());
  for (const Table& t : parts) {
    for (std::size_t r = 0; r < t.num_rows(); ++r) {
      for (const auto& name : t.column_names()) {
        const Column& src = t.column(name);
        Column& dst = out.column(name);
        if (src.is_null(r)) dst.push_null();
        else dst.push_from(src, r);
      }
    }
  }
  return out;
}

Table joined_at_once(const std::vector<Table>& parts) {
  std::vector<const Table*> ptrs;
  for (const Table& t : parts) ptrs.push_back(&t);
  return concat_tables(ptrs);
}
}  // namespace

TEST_CASE("parts appended one at a time join as all at once, byte for byte, however the buffers grow") {
  std::vector<Table> parts;
  // Leading parts with no value in `maybe` (its type comes later), an empty part, parts of very
  // different sizes (the first ones small, so the projected size is too small and buffers grow).
  parts.push_back(part(0, 0, false));
  parts.push_back(part(1, 3, false));
  for (int p = 2; p < 60; ++p) parts.push_back(part(p, p < 10 ? 2 : 40 + p * 3, p % 9 != 0));
  parts.push_back(part(60, 0, true));
  const Table expected = joined_at_once(parts);
  REQUIRE(expected.num_rows() > 5000);
  CHECK(expected.column("maybe").type() == ColumnType::String);
  CHECK(expected.column("maybe").is_null(0));
  CHECK(expected.column("d").has_nulls());
  CHECK(expected.column("late").has_nulls());
  CHECK_FALSE(expected.column("late").is_null(1));
  const Hash128 want = hash_value(Value(row_by_row(parts, ColumnType::String)));
  CHECK(hash_value(Value(expected)) == want);
  for (std::size_t expected_parts : {std::size_t{0}, std::size_t{1}, parts.size(), parts.size() * 10}) {
    INFO("expected parts " << expected_parts);
    CHECK(hash_value(Value(appended(parts, expected_parts))) == want);
  }
}

TEST_CASE("a column with no value in any part keeps the first part's type, and validity starts at the first null") {
  std::vector<Table> parts{part(3, 4, false), part(5, 2, false)};
  const Table joined = appended(parts, 2);
  CHECK(joined.column("maybe").type() == ColumnType::Double);
  CHECK(joined.column("maybe").null_count() == 6);
  CHECK(joined.column("late").validity().empty());
  CHECK(hash_value(Value(joined)) == hash_value(Value(row_by_row(parts, ColumnType::Double))));
  // No null anywhere in a column: no validity at all, as in a column built row by row.
  CHECK(joined.column("k").validity().empty());
  CHECK_FALSE(joined.column("k").has_nulls());
  // Nothing appended: an empty table.
  TableJoiner none(5);
  CHECK(none.finish().num_columns() == 0);
}

TEST_CASE("parts that do not fit the first part's columns are refused with the column named") {
  TableJoiner joiner(3);
  joiner.append(part(1, 3, true));
  Table fewer;
  fewer.add_column("k", ColumnType::Int64).push_int(1);
  CHECK_THROWS_WITH_AS(joiner.append(fewer),
                       "partition outputs differ in columns (1 vs 5); a partitioned stage must produce the same schema "
                       "for every partition",
                       Error);
  Table renamed = part(2, 3, true);
  renamed.column("d").rename("e");
  CHECK_THROWS_WITH_AS(joiner.append(renamed), "partition outputs differ in column 1 ('e' double vs 'd' double)", Error);
  Table retyped = part(2, 3, true);
  Table ints;
  for (const auto& name : retyped.column_names()) {
    if (name == "maybe") {
      Column& c = ints.add_column("maybe", ColumnType::Int64);
      for (int r = 0; r < 3; ++r) c.push_int(r);
    } else {
      ints.add_column(retyped.column(name));
    }
  }
  CHECK_THROWS_WITH_AS(joiner.append(ints), "partition outputs differ in column 3 ('maybe' int64 vs 'maybe' string)",
                       Error);
}
