#include "key_binding.hpp"

#include <sluice/errors.hpp>

#include "sql_names.hpp"

namespace sluice::sqlite {

namespace {
bool is_named(const char* name) { return name != nullptr && (name[0] == ':' || name[0] == '@' || name[0] == '$'); }
}  // namespace

KeyBinding::KeyBinding(const Statement& st, const std::vector<Scalar>& positional, const Table* keys) {
  const int count = sqlite3_bind_parameter_count(st.raw());
  std::vector<int> unnamed;
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(st.raw(), i);
    if (keys == nullptr || !is_named(name)) {
      unnamed.push_back(i);
      continue;
    }
    const std::string column = name + 1;
    const Column* c = nullptr;
    for (const Column& candidate : keys->columns())
      if (same_identifier(candidate.name(), column)) c = &candidate;
    if (c == nullptr)
      throw Error("the SQL uses the parameter " + std::string(name) + " but the `keys` input has no column '" + column +
                  "'; it has: " + join_names(keys->column_names()) + "; SQL: " + st.sql());
    named_.push_back({i, c});
  }
  if (unnamed.size() != positional.size())
    throw param_error("params", "the SQL has " + std::to_string(unnamed.size()) + " placeholder(s) but params holds " +
                                    std::to_string(positional.size()) + " value(s)" +
                                    (keys == nullptr ? "" : " (named ones such as :store_id take their values from the `keys` input)") +
                                    "; SQL: " + st.sql());
  for (std::size_t i = 0; i < unnamed.size(); ++i) positional_.emplace_back(unnamed[i], positional[i]);
}

void KeyBinding::bind(Statement& st, std::optional<std::size_t> row) const {
  st.reset();
  sqlite3_clear_bindings(st.raw());
  for (const auto& [index, value] : positional_) st.bind_scalar(index, value);
  if (row)
    for (const Named& n : named_) st.bind_scalar(n.index, cell_scalar(*n.column, *row));
}

Scalar cell_scalar(const Column& column, std::size_t row) {
  if (column.is_null(row)) return std::monostate{};
  switch (column.type()) {
    case ColumnType::Int64: return column.int_at(row);
    case ColumnType::Double: return column.double_at(row);
    case ColumnType::String: return std::string(column.string_at(row));
    case ColumnType::Date: return format_date(column.int_at(row));
    case ColumnType::Timestamp: return format_timestamp(column.int_at(row));
  }
  return std::monostate{};
}

}  // namespace sluice::sqlite
