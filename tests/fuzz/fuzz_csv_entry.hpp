#pragma once
// The CSV reader's fuzz entry (kept apart from fuzz_entries.hpp because it needs
// the CSV plugin's core library, which the engine does not link).
#include <string_view>

#include <sluice/errors.hpp>

#include "csv_parse.hpp"

namespace sluice::fuzz {

// The first byte picks the reader options (delimiter, header, typed schema), so
// one corpus covers the typed-value paths as well as the tokenizer.
inline void fuzz_csv(std::string_view bytes) {
  csv::ReadOptions options;
  if (!bytes.empty()) {
    const auto mode = static_cast<unsigned char>(bytes.front());
    bytes.remove_prefix(1);
    options.delimiter = (mode & 1) ? ';' : ',';
    options.header = (mode & 2) == 0;
    if (mode & 4) {
      options.schema = {{"a", ColumnType::Int64}, {"b", ColumnType::Double}, {"c", ColumnType::Date},
                        {"d", ColumnType::Timestamp}, {"e", ColumnType::String}};
    }
    if (mode & 8) options.null_values = {"", "NA", "null"};
  }
  try {
    (void)csv::parse_csv(bytes, options);
  } catch (const Error&) {
  }
}

}  // namespace sluice::fuzz
