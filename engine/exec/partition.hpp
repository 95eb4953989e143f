#pragma once
// Splitting a table by key columns into partitions, concatenating partitions
// back in a deterministic key order, and the manifest that describes a
// partitioned output (one row per partition: key values + object hash).
#include <string>
#include <vector>

#include <sluice/serialize.hpp>
#include <sluice/table.hpp>

namespace sluice::engine {

struct Partition {
  std::string key;  // canonical text, e.g. "store_id=7" or "region=north,store_id=7"
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

// Whether a canonical partition key matches a filter "value" or "col=value" list.
bool partition_selected(const std::string& key, const std::vector<std::string>& filters);

}  // namespace sluice::engine
