#pragma once
// Splits CSV bytes into fields without copying: each field is a span of the
// input plus flags. The grid is row-major with a fixed number of columns
// (the first row's count); a ragged row is an error.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::csv {

struct Field {
  std::size_t begin = 0;   // byte offset of the content (after an opening quote)
  std::uint32_t size = 0;  // content bytes (without the surrounding quotes)
  bool quoted = false;
  bool has_doubled_quotes = false;  // content contains "" that must be unescaped
};

struct Grid {
  std::size_t columns = 0;
  std::vector<Field> fields;           // rows * columns
  std::vector<std::size_t> row_begin;  // byte offset where each row starts (for messages)
  std::size_t rows() const { return row_begin.size(); }
  const Field& at(std::size_t row, std::size_t column) const { return fields[row * columns + column]; }
};

struct TokenizeOptions {
  char delimiter = ',';
  std::string_view source;          // names the input in messages
  std::string_view first_row_role;  // "the header" or "the first row", for the ragged-row message
};

// Tokenizes bytes[start..]. Blank lines are skipped, except in a one-column file where
// they are empty fields. Throws sluice::Error.
Grid tokenize(std::string_view bytes, std::size_t start, const TokenizeOptions& options);

// The field's text; fields with doubled quotes are unescaped into `scratch`.
// Inline: it runs once per field.
inline std::string_view field_text(std::string_view bytes, const Field& field, std::string& scratch) {
  const std::string_view raw = bytes.substr(field.begin, field.size);
  if (!field.has_doubled_quotes) return raw;
  scratch.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    scratch.push_back(raw[i]);
    if (raw[i] == '"') ++i;  // skip the second quote of a pair
  }
  return scratch;
}

}  // namespace sluice::csv
