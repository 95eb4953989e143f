#pragma once
// Splitting a table by key columns into partitions, concatenating partitions
// back in a deterministic key order, and the manifest that describes a
// partitioned output (one row per partition: key values + object hash).
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sluice/serialize.hpp>
#include <sluice/table.hpp>

namespace sluice::engine {

// The text of a null key value in a partition key: name=\N.
inline constexpr std::string_view kNullKeyText = "\\N";

struct Partition {
  // Canonical text, e.g. "store_id=7" or "region=north,store_id=7". In names and string values a
  // backslash, ',' and '=' are escaped with a backslash; a null value is \N.
  std::string key;
  Table rows;       // every column of the input, rows of this key only
};

// Splits by `keys`, ordered by key values (numbers numerically, nulls first).
// Throws MissingColumn if a key column is absent.
std::vector<Partition> split_by_keys(const Table& table, const std::vector<std::string>& keys);

// Canonical key text of row `row` of `table`.
std::string partition_key(const Table& table, const std::vector<std::string>& keys, std::size_t row);

// Vertical concatenation of tables with the same schema (column names and types).
Table concat_tables(const std::vector<const Table*>& parts);

// Row `row` of `source`'s key columns, as a one-row table (what Context::partition_keys() reports).
Table key_row(const Table& source, std::size_t row, const std::vector<std::string>& keys);

// `n` copies of row `row` of `src` (a null stays null), built buffer by buffer.
Column repeated_cell(const Column& src, std::size_t row, std::size_t n);

// Adds the key columns of `key_source` (row 0) in front of `table` when absent,
// so every partition's output carries its key.
Table with_key_columns(Table table, const Table& key_source, const std::vector<std::string>& keys);

// Manifest: the key columns (typed) and a string column "__object" with hex hashes.
Table make_manifest(const std::vector<const Table*>& key_sources, const std::vector<std::string>& keys,
                    const std::vector<Hash128>& hashes);
std::vector<Hash128> manifest_hashes(const Table& manifest);
std::vector<std::string> manifest_keys(const Table& manifest, const std::vector<std::string>& keys);

// The text of a double key value: the shortest that reads back as the same number.
std::string double_key_text(double value);
// A canonical key's (name, value) pairs, both still escaped.
std::vector<std::pair<std::string, std::string>> split_partition_key(std::string_view key);

// Which partitions a run computes: `partitions = [...]` of a node, or --partition. Filters are
// "column=value" or a bare "value" (the key value of a node partitioned by one column, whichever it
// is, or a multi-column partition's whole key text). A
// partition is selected when, for every column of its key that a filter names, its value is one of
// the values given for that column; columns the node is not partitioned by do not restrict it.
class PartitionSelection {
 public:
  PartitionSelection() = default;
  explicit PartitionSelection(const std::vector<std::string>& filters) {
    for (const auto& f : filters) add(f);
  }
  void add(std::string_view filter);
  bool empty() const { return values_.empty(); }
  bool names_column(const std::string& column) const;
  // Whether some filter restricts a node partitioned by `keys`.
  bool applies_to(const std::vector<std::string>& keys) const;
  bool selects(const std::string& key) const;
  // The filters that restrict a node partitioned by `keys`, as canonical text (part of its cache key).
  std::vector<std::string> texts_for(const std::vector<std::string>& keys) const;

 private:
  std::map<std::string, std::set<std::string>> values_;  // escaped column ("" for bare) -> escaped values
};

}  // namespace sluice::engine
