#pragma once
// CSV bytes -> Table, in one pass over a caller-owned buffer (RFC 4180 plus the
// usual real-world variations: LF or CRLF, a leading UTF-8 BOM, an optional
// final newline). Every failure is a sluice::Error naming the source, line and
// column, so this function is also the entry point for fuzzing: any input either
// yields a Table or a clean Error, never a crash.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sluice/table.hpp>

namespace sluice::csv {

struct ReadOptions {
  char delimiter = ',';
  bool header = true;
  // Explicit types. With a header: any subset of the columns, matched by name.
  // Without a header: every column in order (the names come from here).
  std::vector<ColumnSpec> schema;
  // Unquoted fields equal to one of these are null. A quoted field is never null.
  std::vector<std::string> null_values{""};
  // Names the input in messages (usually the file path).
  std::string source = "<csv>";
};

// Parses the whole buffer. Throws sluice::Error on malformed input.
Table parse_csv(std::string_view bytes, const ReadOptions& options);

// 1-based line and column (in characters) of a byte offset, for messages.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view bytes, std::size_t offset);

}  // namespace sluice::csv
