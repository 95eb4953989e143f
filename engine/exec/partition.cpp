#include "exec/partition.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <numeric>
#include <stdexcept>
#include <string_view>

#include <sluice/errors.hpp>

#include "common/escape.hpp"
#include "exec/table_joiner.hpp"

namespace sluice::engine {

std::string double_key_text(double value) {
  // Shortest round-trip text, so `--partition x=0.1` matches the key 0.1.
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, res.ptr);
}

namespace {
// A key's name or value in its canonical text: backslash, ',' and '=' escaped with a backslash, so that
// the text splits back into the same names and values whatever they hold.
std::string escaped(std::string_view text) { return escape_chars(text, "\\,=", '\\'); }

std::string cell_text(const Column& c, std::size_t row) {
  if (c.is_null(row)) return std::string(kNullKeyText);  // no value's text: in those a backslash escapes a backslash, ',' or '='
  switch (c.type()) {
    case ColumnType::Int64: return std::to_string(c.int_at(row));
    case ColumnType::Double: return double_key_text(c.double_at(row));
    case ColumnType::String: return escaped(c.string_at(row));
    case ColumnType::Date: return format_date(c.int_at(row));
    case ColumnType::Timestamp: return format_timestamp(c.int_at(row));
  }
  return {};
}

// Orders rows by the key columns: nulls first, then by typed value.
int compare_cells(const Column& c, std::size_t a, std::size_t b) {
  const bool na = c.is_null(a), nb = c.is_null(b);
  if (na || nb) return na == nb ? 0 : (na ? -1 : 1);
  switch (c.type()) {
    case ColumnType::Double: {
      const double x = c.double_at(a), y = c.double_at(b);
      return x < y ? -1 : (y < x ? 1 : 0);
    }
    case ColumnType::String: return c.string_at(a).compare(c.string_at(b));
    default: {
      const auto x = c.int_at(a), y = c.int_at(b);
      return x < y ? -1 : (y < x ? 1 : 0);
    }
  }
}
}  // namespace

std::string partition_key(const Table& table, const std::vector<std::string>& keys, std::size_t row) {
  std::string out;
  for (const auto& k : keys) {
    if (!out.empty()) out += ',';
    out += escaped(k) + "=" + cell_text(table.column(k), row);
  }
  return out;
}


std::vector<Partition> split_by_keys(const Table& table, const std::vector<std::string>& keys) {
  std::vector<const Column*> cols;
  for (const auto& k : keys) cols.push_back(&table.column(k));
  const std::size_t n = table.num_rows();
  auto row_less = [&](std::size_t a, std::size_t b) {
    for (const Column* c : cols) {
      if (int r = compare_cells(*c, a, b); r != 0) return r < 0;
    }
    return false;
  };
  // Inputs usually arrive sorted by their keys (a daily series per store, an ORDER BY): then every
  // partition is a run of rows, copied column by column, and nothing is sorted.
  bool sorted = true;
  for (std::size_t r = 1; r < n && sorted; ++r) sorted = !row_less(r, r - 1);
  std::vector<std::size_t> order;
  if (!sorted) {
    order.resize(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), row_less);
  }
  auto row_at = [&](std::size_t i) { return sorted ? i : order[i]; };
  // Where each partition's run of rows starts, found first: the partitions are then built in place.
  // Growing the vector as they are built would copy every table already built (a Table's move is
  // not noexcept), about twice each for a thousand partitions.
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < n; ++i)
    if (i == 0 || row_less(row_at(i - 1), row_at(i))) starts.push_back(i);
  std::vector<Partition> parts(starts.size());
  for (std::size_t p = 0; p < starts.size(); ++p) {
    const std::size_t i = starts[p], j = p + 1 < starts.size() ? starts[p + 1] : n;
    Partition& part = parts[p];
    part.key = partition_key(table, keys, row_at(i));
    if (sorted) {
      for (const Column& c : table.columns()) part.rows.add_column(c.slice(i, j));
      continue;
    }
    part.rows = table.empty_like();
    for (std::size_t c = 0; c < part.rows.num_columns(); ++c) part.rows.column(c).reserve(j - i);
    for (std::size_t r = i; r < j; ++r) part.rows.append_row(table, order[r]);
  }
  return parts;
}

Table concat_tables(const std::vector<const Table*>& parts) {
  TableJoiner joiner(parts.size());
  if (!parts.empty()) {
    // The exact size is known: every buffer is reserved once.
    std::size_t rows = 0;
    std::vector<std::size_t> string_bytes(parts.front()->num_columns());
    for (const Table* p : parts) {
      rows += p->num_rows();
      for (std::size_t c = 0; c < std::min(string_bytes.size(), p->num_columns()); ++c)
        if (p->column(c).type() == ColumnType::String) string_bytes[c] += p->column(c).string_bytes().size();
    }
    joiner.expect(rows, std::move(string_bytes));
  }
  for (const Table* p : parts) joiner.append(*p);
  return joiner.finish();
}

Table key_row(const Table& source, std::size_t row, const std::vector<std::string>& keys) {
  Table out;
  for (const auto& k : keys) {
    const Column& src = source.column(k);
    out.add_column(k, src.type()).push_from(src, row);
  }
  return out;
}

Column repeated_cell(const Column& src, std::size_t row, std::size_t n) {
  Column out(src.name(), src.type());
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::uint64_t> offsets{0};
  std::string bytes;
  std::vector<std::uint8_t> validity;
  const bool null = src.is_null(row);
  if (null) validity.assign(n, 0);
  if (src.type() == ColumnType::Double) {
    doubles.assign(n, null ? 0.0 : src.double_at(row));
  } else if (src.type() == ColumnType::String) {
    const std::string_view cell = null ? std::string_view{} : src.string_at(row);
    offsets.resize(n + 1);
    bytes.reserve(cell.size() * n);
    for (std::size_t r = 0; r < n; ++r) {
      bytes += cell;
      offsets[r + 1] = bytes.size();
    }
  } else {
    ints.assign(n, null ? 0 : src.int_at(row));
  }
  out.assign_raw(n, std::move(ints), std::move(doubles), std::move(offsets), std::move(bytes), std::move(validity));
  return out;
}

Table with_key_columns(Table table, const Table& key_source, const std::vector<std::string>& keys) {
  bool all_present = true;
  for (const auto& k : keys) all_present = all_present && table.find(k) != nullptr;
  if (all_present || key_source.num_rows() == 0) return table;
  Table out;
  const std::size_t n = table.num_rows();
  for (const auto& k : keys)
    if (table.find(k) == nullptr) out.add_column(repeated_cell(key_source.column(k), 0, n));
  // Copied, not moved: a stage's columns grew by doubling, and a copy keeps only what is used (the
  // node holds its partitions to the end). Moving them measured no faster: the next partition's
  // columns then grow in fresh pages instead of in those the freed buffers leave.
  for (const auto& c : table.columns()) out.add_column(c);
  return out;
}

Table make_manifest(const std::vector<const Table*>& key_sources, const std::vector<std::string>& keys,
                    const std::vector<Hash128>& hashes) {
  Table m;
  for (const auto& k : keys) {
    const ColumnType type = key_sources.empty() ? ColumnType::String : key_sources.front()->column(k).type();
    Column& c = m.add_column(k, type);
    for (const Table* src : key_sources) c.push_from(src->column(k), 0);
  }
  Column& h = m.add_column("__object", ColumnType::String);
  for (const auto& hash : hashes) h.push_string(hash.hex());
  return m;
}

std::vector<Hash128> manifest_hashes(const Table& manifest) {
  std::vector<Hash128> out;
  const Column& h = manifest.column("__object");
  for (std::size_t r = 0; r < h.size(); ++r) out.push_back(Hash128::from_hex(h.string_at(r)));
  return out;
}

std::vector<std::string> manifest_keys(const Table& manifest, const std::vector<std::string>& keys) {
  std::vector<std::string> out;
  for (std::size_t r = 0; r < manifest.num_rows(); ++r) out.push_back(partition_key(manifest, keys, r));
  return out;
}

std::vector<std::pair<std::string, std::string>> split_partition_key(std::string_view key) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string name, value;
  bool in_value = false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (c == '\\' && i + 1 < key.size()) {
      (in_value ? value : name) += key.substr(i, 2);  // kept escaped: values are compared as key text
      ++i;
    } else if (c == '=' && !in_value) {
      in_value = true;
    } else if (c == ',') {
      out.emplace_back(std::move(name), std::move(value));
      name.clear();
      value.clear();
      in_value = false;
    } else {
      (in_value ? value : name) += c;
    }
  }
  if (!key.empty()) out.emplace_back(std::move(name), std::move(value));
  return out;
}

void PartitionSelection::add(std::string_view filter) {
  const auto eq = filter.find('=');
  std::string column = eq == std::string_view::npos ? std::string() : escaped(filter.substr(0, eq));
  std::string_view value = eq == std::string_view::npos ? filter : filter.substr(eq + 1);
  // `\N` stands for a null key, as in the key's own text; anything else is a value to escape.
  values_[std::move(column)].insert(value == kNullKeyText ? std::string(value) : escaped(value));
}

bool PartitionSelection::names_column(const std::string& column) const { return values_.count(escaped(column)) > 0; }

bool PartitionSelection::applies_to(const std::vector<std::string>& keys) const {
  if (values_.count("")) return true;
  return std::any_of(keys.begin(), keys.end(), [&](const std::string& k) { return names_column(k); });
}

bool PartitionSelection::selects(const std::string& key) const {
  if (values_.empty()) return true;  // no filter: asked for every partition, so the key is not split
  const auto parts = split_partition_key(key);
  for (const auto& [column, values] : values_) {
    if (column.empty()) {
      // A bare value is the key value of a single-key partition, or a multi-key partition's whole key.
      if (!values.count(parts.size() == 1 ? parts.front().second : key)) return false;
      continue;
    }
    for (const auto& [name, value] : parts)
      if (name == column && !values.count(value)) return false;
  }
  return true;
}

std::vector<std::string> PartitionSelection::texts_for(const std::vector<std::string>& keys) const {
  std::vector<std::string> out;
  for (const auto& entry : values_) {
    const std::string& column = entry.first;  // not a structured binding: clang 14 cannot capture one
    const auto& values = entry.second;
    const bool applies = column.empty() || std::any_of(keys.begin(), keys.end(),
                                                        [&](const std::string& k) { return escaped(k) == column; });
    if (!applies) continue;
    for (const auto& value : values) out.push_back(column.empty() ? value : column + "=" + value);
  }
  return out;
}

}  // namespace sluice::engine
