#pragma once
// Table -> CSV text. Fields are quoted only when needed: when they contain the
// delimiter, a quote or a line break, or when an unquoted field would read back
// as null (an empty string while null_value is "", or a string equal to null_value).
#include <string>

#include <sluice/table.hpp>

namespace sluice::csv {

struct WriteOptions {
  char delimiter = ',';
  bool header = true;
  std::string null_value;  // written, unquoted, for nulls
};

// Dates as YYYY-MM-DD, timestamps as "YYYY-MM-DD HH:MM:SS[.ffffff]",
// doubles in the shortest form that reads back to the same value.
std::string format_csv(const Table& table, const WriteOptions& options);

}  // namespace sluice::csv
