#pragma once
// Joins tables of the same schema one after another into one (a vertical concatenation), so that
// the parts need not all be held at once: a partitioned input is loaded, appended and dropped a few
// partitions at a time, and the decoded partitions reuse the same memory instead of each taking
// fresh pages (on virtual machines about 10 us per 4 KiB page first touched).
//
// The result is what joining all the parts at once gives, byte for byte: column names and order
// from the first part; each column's type from the first part with a value in it (a part with no
// value there, no rows or nulls only, carries no type and gets placeholders of the joined type);
// validity only where some part has a null.
#include <cstddef>
#include <vector>

#include <sluice/table.hpp>

namespace sluice::engine {

class TableJoiner {
 public:
  // `expected_parts`: how many parts will be appended, to size the buffers from the first ones
  // (0: grow by doubling).
  explicit TableJoiner(std::size_t expected_parts = 0);
  TableJoiner(const TableJoiner&) = delete;
  TableJoiner& operator=(const TableJoiner&) = delete;
  ~TableJoiner();

  // The exact size of the join when it is known: `rows`, and the string bytes of each column
  // (indexed by column; missing entries count 0). Buffers are then reserved once.
  void expect(std::size_t rows, std::vector<std::size_t> string_bytes);
  // Appends `part`. Throws sluice::Error when its columns differ from the first part's.
  void append(const Table& part);
  // The joined table (empty with no columns when nothing was appended).
  Table finish();

 private:
  struct JoinedColumn;
  std::vector<JoinedColumn> columns_;
  std::size_t expected_parts_;
  std::size_t parts_ = 0;
  std::size_t rows_ = 0;
  std::size_t expected_rows_ = 0;  // 0: unknown
  std::vector<std::size_t> expected_bytes_;
};

}  // namespace sluice::engine
