#include <doctest/doctest.h>

#include <sluice/errors.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "exec/dag_runner.hpp"
#include "exec/partition.hpp"

using namespace sluice;
using namespace sluice::engine;

namespace {
// Every node records when it starts; a node must start after all its predecessors finished.
void check_order(unsigned jobs) {
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  const std::size_t n = 200;
  for (std::size_t v = 1; v < n; ++v) {
    edges.emplace_back((v * 7919) % v, v);
    if (v > 3) edges.emplace_back(v - 3, v);
  }
  std::vector<std::string> ids(n, "x");
  const Dag dag = Dag::from_edges(ids, edges);
  std::vector<std::atomic<int>> done(n);
  std::atomic<int> violations{0}, running{0}, max_running{0};
  run_dag(dag, std::vector<bool>(n, true), jobs, [&](std::size_t v) {
    const int now = ++running;
    int seen = max_running.load();
    while (now > seen && !max_running.compare_exchange_weak(seen, now)) {}
    for (std::size_t u : dag.predecessors(v))
      if (done[u].load() == 0) ++violations;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    done[v] = 1;
    --running;
  });
  CHECK(violations.load() == 0);
  for (std::size_t v = 0; v < n; ++v) CHECK(done[v].load() == 1);
  CHECK(max_running.load() <= static_cast<int>(jobs));
}
}  // namespace

TEST_CASE("the DAG runner honours dependencies and --jobs at 1, 2 and 8 threads") {
  for (unsigned jobs : {1u, 2u, 8u}) {
    CAPTURE(jobs);
    check_order(jobs);
  }
}

TEST_CASE("unselected nodes do not run") {
  const Dag dag = Dag::from_edges({"a", "b", "c"}, {{0, 1}, {1, 2}});
  std::vector<int> ran(3, 0);
  run_dag(dag, {true, true, false}, 2, [&](std::size_t v) { ran[v] = 1; });
  CHECK(ran == std::vector<int>{1, 1, 0});
}

TEST_CASE("split_by_keys orders partitions by typed key, nulls first") {
  Table t;
  auto& k = t.add_column("k", ColumnType::Int64);
  auto& v = t.add_column("v", ColumnType::Double);
  for (int x : {10, 2, 10, 1}) {
    k.push_int(x);
    v.push_double(x * 0.5);
  }
  k.push_null();
  v.push_double(0);
  const auto parts = split_by_keys(t, {"k"});
  REQUIRE(parts.size() == 4);
  CHECK(parts[0].key == "k=\\N");
  CHECK(parts[1].key == "k=1");
  CHECK(parts[2].key == "k=2");
  CHECK(parts[3].key == "k=10");
  CHECK(parts[3].rows.num_rows() == 2);
  std::vector<const Table*> ptrs;
  for (const auto& p : parts) ptrs.push_back(&p.rows);
  CHECK(concat_tables(ptrs).num_rows() == 5);
}

// Sorted input is split by copying runs of rows; unsorted input by sorting row numbers. Both must
// give partitions identical to appending their rows one by one, down to the cache hash.
TEST_CASE("split_by_keys: sorted and unsorted input give the same partitions, byte for byte") {
  Table sorted;
  auto& k = sorted.add_column("k", ColumnType::Int64);
  auto& s = sorted.add_column("s", ColumnType::String);
  auto& d = sorted.add_column("d", ColumnType::Double);
  auto& day = sorted.add_column("day", ColumnType::Date);
  for (int row = 0; row < 40; ++row) {
    if (row < 3) k.push_null(); else k.push_int(row / 7);
    if (row % 5 == 0) s.push_null(); else s.push_string(std::string(static_cast<std::size_t>(row % 4), 'x') + std::to_string(row));
    if (row % 11 == 0) d.push_null(); else d.push_double(row * 0.25);
    day.push_int(19'000 + row);
  }
  Table shuffled = sorted.empty_like();
  for (std::size_t row : {39, 0, 20, 5, 1, 38, 2, 10, 33, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24,
                          25, 26, 27, 28, 29, 30, 31, 32, 34, 35, 36, 37}) {
    shuffled.append_row(sorted, row);
  }
  REQUIRE(shuffled.num_rows() == sorted.num_rows());
  const auto from_sorted = split_by_keys(sorted, {"k"});
  const auto from_shuffled = split_by_keys(shuffled, {"k"});
  REQUIRE(from_sorted.size() == 7);  // null, 0 .. 5
  REQUIRE(from_shuffled.size() == from_sorted.size());
  std::size_t first = 0;
  for (std::size_t p = 0; p < from_sorted.size(); ++p) {
    INFO("partition " << from_sorted[p].key);
    Table expected = sorted.empty_like();
    for (std::size_t r = first; r < first + from_sorted[p].rows.num_rows(); ++r) expected.append_row(sorted, r);
    first += from_sorted[p].rows.num_rows();
    CHECK(hash_value(Value(from_sorted[p].rows)) == hash_value(Value(expected)));
    CHECK(from_shuffled[p].key == from_sorted[p].key);
    CHECK(from_shuffled[p].rows.num_rows() == from_sorted[p].rows.num_rows());
  }
  CHECK(first == sorted.num_rows());
  CHECK(from_sorted.front().key == "k=\\N");
  CHECK(from_sorted[1].rows.column("s").string_at(0) == "xxx3");  // row 3, the first with k = 0

  // Joined again (buffer by buffer), the partitions are the input, down to the hash: strings,
  // nulls in some parts and not in others, dates.
  std::vector<const Table*> parts;
  for (const auto& p : from_sorted) parts.push_back(&p.rows);
  const Table joined = concat_tables(parts);
  CHECK(hash_value(Value(joined)) == hash_value(Value(sorted)));
  CHECK(joined.column("s").null_count() == sorted.column("s").null_count());
  CHECK(joined.column("day").type() == ColumnType::Date);
  Table renamed = from_sorted[1].rows;
  renamed.column("d").rename("e");
  CHECK_THROWS_WITH_AS(concat_tables({&from_sorted[0].rows, &renamed}),
                       "partition outputs differ in column 2 ('e' double vs 'd' double)", sluice::Error);
}

TEST_CASE("a partition with no value in a column takes the type of the partitions that have one") {
  // A SQL result types a column of nulls only as double; its neighbours may hold ints or strings.
  auto part = [](ColumnType type, int rows, bool with_values) {
    Table t;
    Column& k = t.add_column("k", ColumnType::Int64);
    Column& v = t.add_column("v", type);
    for (int r = 0; r < rows; ++r) {
      k.push_int(r);
      if (!with_values) v.push_null();
      else if (type == ColumnType::String) v.push_string("s" + std::to_string(r));
      else v.push_int(r * 10);
    }
    return t;
  };
  const Table nulls = part(ColumnType::Double, 2, false);
  const Table none = part(ColumnType::Double, 0, false);
  const Table ints = part(ColumnType::Int64, 3, true);
  const Table joined = concat_tables({&nulls, &ints, &none});
  REQUIRE(joined.num_rows() == 5);
  const Column& v = joined.column("v");
  CHECK(v.type() == ColumnType::Int64);
  CHECK(v.null_count() == 2);
  CHECK((v.is_null(0) && v.is_null(1) && !v.is_null(2)));
  CHECK(v.int_at(4) == 20);

  const Table strings = part(ColumnType::String, 2, true);
  const Table with_strings = concat_tables({&strings, &nulls});
  CHECK(with_strings.column("v").type() == ColumnType::String);
  CHECK(with_strings.column("v").string_at(1) == "s1");
  CHECK(with_strings.column("v").string_at(2).empty());
  CHECK(with_strings.column("v").is_null(3));

  const Table only_nulls = concat_tables({&nulls, &none});
  CHECK(only_nulls.column("v").type() == ColumnType::Double);
  CHECK(only_nulls.column("v").null_count() == 2);

  // Values of two different types still do not join.
  CHECK_THROWS_WITH_AS(concat_tables({&ints, &nulls, &strings}),
                       "partition outputs differ in column 1 ('v' string vs 'v' int64)", sluice::Error);
}

TEST_CASE("partition filters accept values and key=value") {
  auto selects = [](const std::string& key, const std::vector<std::string>& filters) {
    return PartitionSelection(filters).selects(key);
  };
  CHECK(selects("store_id=7", {}));
  CHECK(selects("store_id=7", {"7"}));
  CHECK(selects("store_id=7", {"store_id=7"}));
  CHECK_FALSE(selects("store_id=7", {"store_id=8", "9"}));
  CHECK(selects("region=north", {"north"}));
  // A column the node is not partitioned by does not restrict it.
  CHECK(selects("region=north", {"store_id=8"}));
  // Columns combine: each named key column must hold one of its values.
  CHECK(selects("region=north,store_id=7", {"store_id=7", "store_id=9", "region=north"}));
  CHECK_FALSE(selects("region=south,store_id=7", {"store_id=7", "region=north"}));
  CHECK(PartitionSelection({"store_id=7"}).applies_to({"region", "store_id"}));
  CHECK_FALSE(PartitionSelection({"store_id=7"}).applies_to({"region"}));
  CHECK(PartitionSelection({"7"}).applies_to({"region"}));
}

TEST_CASE("partition keys tell a null from the text null, and escape their separators") {
  Table t;
  auto& name = t.add_column("name", ColumnType::String);
  name.push_null();
  name.push_string("null");
  name.push_string("a,b=c\\d");
  const auto parts = split_by_keys(t, {"name"});
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].key == "name=\\N");
  CHECK(parts[1].key == "name=a\\,b\\=c\\\\d");
  CHECK(parts[2].key == "name=null");
  CHECK(split_partition_key(parts[1].key) ==
        std::vector<std::pair<std::string, std::string>>{{"name", "a\\,b\\=c\\\\d"}});
  CHECK(PartitionSelection({"name=a,b=c\\d"}).selects(parts[1].key));
  CHECK_FALSE(PartitionSelection({"name=null"}).selects(parts[0].key));
  CHECK(PartitionSelection({"name=null"}).selects(parts[2].key));
  CHECK(PartitionSelection({"name=\\N"}).selects(parts[0].key));
}

TEST_CASE("with_key_columns adds missing keys in front") {
  Table key;
  key.add_column("store_id", ColumnType::Int64).push_int(7);
  Table out;
  out.add_column("y", ColumnType::Double).push_double(1.5);
  out.column("y").push_double(2.5);
  const Table r = with_key_columns(out, key, {"store_id"});
  CHECK(r.column(0).name() == "store_id");
  CHECK(r.column("store_id").int_at(1) == 7);
  CHECK(r.column("store_id").size() == 2);
  CHECK(r.column("y").double_at(1) == 2.5);
}

TEST_CASE("repeated_cell copies one cell of any type, a null as a null") {
  Table src;
  src.add_column("region", ColumnType::String).push_string("north");
  src.column("region").push_null();
  src.add_column("w", ColumnType::Double).push_double(0.5);
  src.column("w").push_double(1.5);
  src.add_column("day", ColumnType::Date).push_int(19000);
  src.column("day").push_int(19001);

  const Column s = repeated_cell(src.column("region"), 0, 3);
  CHECK(s.name() == "region");
  CHECK(s.type() == ColumnType::String);
  CHECK(s.size() == 3);
  CHECK(s.string_at(0) == "north");
  CHECK(s.string_at(2) == "north");
  CHECK_FALSE(s.has_nulls());

  const Column null = repeated_cell(src.column("region"), 1, 2);
  CHECK(null.size() == 2);
  CHECK(null.null_count() == 2);

  const Column d = repeated_cell(src.column("w"), 1, 4);
  CHECK(d.size() == 4);
  CHECK(d.double_at(3) == 1.5);
  const Column day = repeated_cell(src.column("day"), 1, 2);
  CHECK(day.type() == ColumnType::Date);
  CHECK(day.int_at(1) == 19001);
  CHECK(repeated_cell(src.column("day"), 0, 0).size() == 0);
}
