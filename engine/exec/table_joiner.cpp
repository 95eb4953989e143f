#include "exec/table_joiner.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <sluice/errors.hpp>

#include "common/huge_pages.hpp"

namespace sluice::engine {

namespace {
bool all_null(const Column& c) { return c.null_count() == c.size(); }

// Room for `needed` elements in `buffer`, at least `planned` (the expected final size). A buffer
// that must grow is moved into a new one that is advised to take huge pages before it is written:
// the join of a node's partitions is tens of megabytes of fresh memory.
template <class Buffer>
void make_room(Buffer& buffer, std::size_t needed, std::size_t planned) {
  if (needed <= buffer.capacity()) return;
  Buffer grown;
  grown.reserve(std::max({needed, planned, buffer.capacity() * 2}));
  advise_huge_pages(grown.data(), grown.capacity() * sizeof(typename Buffer::value_type));
  grown.insert(grown.end(), buffer.begin(), buffer.end());
  buffer.swap(grown);
}

// `so_far` of something after `parts` of `expected` parts, projected to all of them with an
// eighth to spare (partitions differ in size); 0 when there is nothing to project from.
std::size_t projected(std::size_t so_far, std::size_t parts, std::size_t expected) {
  if (parts == 0 || expected <= parts) return 0;
  return so_far * expected / parts * 9 / 8;
}
}  // namespace

struct TableJoiner::JoinedColumn {
  std::string name;
  ColumnType head_type = ColumnType::Int64;
  std::optional<ColumnType> type;  // known from the first part with a value in this column
  std::vector<Column> waiting;     // parts without a value, appended before the type was known
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::uint64_t> offsets{0};
  std::string bytes;
  std::vector<std::uint8_t> validity;
  bool has_validity = false;
  std::size_t rows = 0;
  std::size_t parts = 0;  // appended to the buffers

  // Appends src's values under the known type; `planned_rows`/`planned_bytes`: the expected totals (0: unknown).
  void append_values(const Column& src, std::size_t planned_rows, std::size_t planned_bytes) {
    const std::size_t n = src.size();
    if (src.type() != *type) {  // nulls only: placeholders of the joined type
      if (*type == ColumnType::Double) {
        make_room(doubles, rows + n, planned_rows);
        doubles.insert(doubles.end(), n, 0.0);
      } else if (*type == ColumnType::String) {
        make_room(offsets, rows + n + 1, planned_rows + 1);
        offsets.insert(offsets.end(), n, bytes.size());
      } else {
        make_room(ints, rows + n, planned_rows);
        ints.insert(ints.end(), n, 0);
      }
    } else if (*type == ColumnType::Double) {
      make_room(doubles, rows + n, planned_rows);
      doubles.insert(doubles.end(), src.doubles().begin(), src.doubles().end());
    } else if (*type == ColumnType::String) {
      make_room(offsets, rows + n + 1, planned_rows + 1);
      const std::uint64_t base = bytes.size();
      for (std::size_t r = 1; r < src.string_offsets().size(); ++r) offsets.push_back(base + src.string_offsets()[r]);
      make_room(bytes, bytes.size() + src.string_bytes().size(), planned_bytes);
      bytes += src.string_bytes();
    } else {
      make_room(ints, rows + n, planned_rows);
      ints.insert(ints.end(), src.ints().begin(), src.ints().end());
    }
    // Validity only from the first part with a null on: the rows before it had none.
    has_validity = has_validity || src.has_nulls();
    if (has_validity) {
      make_room(validity, rows + n, planned_rows);
      validity.resize(rows, std::uint8_t{1});  // grows only at the first null
      if (src.has_nulls()) validity.insert(validity.end(), src.validity().begin(), src.validity().end());
      else validity.insert(validity.end(), n, std::uint8_t{1});
    }
    rows += n;
    ++parts;
  }

  void settle(ColumnType joined, std::size_t planned_rows, std::size_t planned_bytes) {
    type = joined;
    for (const Column& w : waiting) append_values(w, planned_rows, planned_bytes);
    waiting.clear();
  }
};

TableJoiner::TableJoiner(std::size_t expected_parts) : expected_parts_(expected_parts) {}

TableJoiner::~TableJoiner() = default;

void TableJoiner::expect(std::size_t rows, std::vector<std::size_t> string_bytes) {
  expected_rows_ = rows;
  expected_bytes_ = std::move(string_bytes);
}

void TableJoiner::append(const Table& part) {
  if (parts_ == 0) {
    columns_.resize(part.num_columns());
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      columns_[c].name = part.column(c).name();
      columns_[c].head_type = part.column(c).type();
    }
  } else if (part.num_columns() != columns_.size()) {
    throw Error("partition outputs differ in columns (" + std::to_string(part.num_columns()) + " vs " +
                std::to_string(columns_.size()) + "); a partitioned stage must produce the same schema for every partition");
  }
  const std::size_t part_rows = part.num_rows();
  const std::size_t planned_rows =
      expected_rows_ != 0 ? expected_rows_ : projected(rows_ + part_rows, parts_ + 1, expected_parts_);
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const Column& src = part.column(c);
    JoinedColumn& jc = columns_[c];
    const bool valueless = all_null(src);
    if (!jc.type && !valueless) {
      // Checked before the waiting parts are settled, so a mismatch leaves them as they were.
      if (src.name() == jc.name) jc.settle(src.type(), planned_rows, 0);
    }
    const ColumnType joined = jc.type.value_or(jc.head_type);
    if (src.name() != jc.name || (src.type() != joined && !valueless)) {
      throw Error("partition outputs differ in column " + std::to_string(c) + " ('" + src.name() + "' " +
                  std::string(to_string(src.type())) + " vs '" + jc.name + "' " + std::string(to_string(joined)) + ")");
    }
    if (!jc.type) {
      jc.waiting.push_back(src);
      continue;
    }
    std::size_t planned_bytes = c < expected_bytes_.size() ? expected_bytes_[c] : 0;
    if (expected_rows_ == 0 && src.type() == ColumnType::String)
      planned_bytes = projected(jc.bytes.size() + src.string_bytes().size(), jc.parts + 1, expected_parts_);
    jc.append_values(src, planned_rows, planned_bytes);
  }
  rows_ += part_rows;
  ++parts_;
}

Table TableJoiner::finish() {
  Table out;
  for (JoinedColumn& jc : columns_) {
    if (!jc.type) jc.settle(jc.head_type, rows_, 0);  // no part had a value: the first part's type
    if (!jc.has_validity) jc.validity.clear();
    Column column(jc.name, *jc.type);
    column.assign_raw(jc.rows, std::move(jc.ints), std::move(jc.doubles), std::move(jc.offsets), std::move(jc.bytes),
                      std::move(jc.validity));
    out.add_column(std::move(column));
  }
  columns_.clear();
  parts_ = 0;
  rows_ = 0;
  return out;
}

}  // namespace sluice::engine
