#include "load_scope.hpp"

#include <nlohmann/json.hpp>
#include <sluice/errors.hpp>

#include "key_binding.hpp"
#include "sql_names.hpp"

namespace sluice::sqlite {

std::optional<std::vector<Scalar>> single_scope_tuple(const Table& input, const std::vector<std::string>& columns) {
  if (input.num_rows() == 0 || columns.empty()) return std::nullopt;
  std::vector<const Column*> cols;
  for (const auto& c : columns) cols.push_back(&input.column(c));
  std::vector<Scalar> first;
  for (const Column* c : cols) first.push_back(cell_scalar(*c, 0));
  for (std::size_t r = 1; r < input.num_rows(); ++r)
    for (std::size_t i = 0; i < cols.size(); ++i)
      if (cell_scalar(*cols[i], r) != first[i]) return std::nullopt;
  return first;
}

std::string scope_text(const std::vector<std::string>& columns, const std::vector<Scalar>& values) {
  nlohmann::json j = nlohmann::json::object();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const Scalar& v = values.at(i);
    if (const auto* n = std::get_if<std::int64_t>(&v)) j[columns[i]] = *n;
    else if (const auto* d = std::get_if<double>(&v)) j[columns[i]] = *d;
    else if (const auto* s = std::get_if<std::string>(&v)) j[columns[i]] = *s;
    else throw Error("scope column '" + columns[i] + "' has no value");
  }
  return j.dump();
}

std::optional<std::pair<std::vector<std::string>, std::vector<Scalar>>> parse_scope_text(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    if (!j.is_object() || j.empty()) return std::nullopt;
    std::pair<std::vector<std::string>, std::vector<Scalar>> out;
    for (const auto& [column, value] : j.items()) {
      out.first.push_back(column);
      if (value.is_number_integer()) out.second.emplace_back(value.get<std::int64_t>());
      else if (value.is_number()) out.second.emplace_back(value.get<double>());
      else if (value.is_string()) out.second.emplace_back(value.get<std::string>());
      else return std::nullopt;
    }
    return out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string scope_condition(const std::vector<std::string>& columns) {
  std::string sql;
  for (std::size_t i = 0; i < columns.size(); ++i)
    sql += (i ? " AND " : "") + quote_identifier(columns[i]) + " = ?" + std::to_string(i + 1);
  return sql;
}

namespace {
using Slice = std::pair<std::vector<std::string>, std::vector<Scalar>>;

Slice slice_of(const std::string& text) {
  auto scope = parse_scope_text(text);
  if (!scope) throw Error("the load's receipt holds a malformed scope: " + text);
  return std::move(*scope);
}

void bind_slice(Statement& st, const Slice& slice) {
  for (std::size_t i = 0; i < slice.second.size(); ++i) st.bind_scalar(static_cast<int>(i + 1), slice.second[i]);
}
}  // namespace

std::int64_t count_in_scope(Connection& db, const std::string& table, const std::string& text) {
  const Slice slice = slice_of(text);
  auto st = db.reuse("SELECT count(*) FROM main." + quote_identifier(table) + " WHERE " + scope_condition(slice.first),
                     "verifying the load");
  bind_slice(*st, slice);
  return st->step() ? st->column_int(0) : 0;
}

std::int64_t delete_in_scope(Connection& db, const std::string& table, const std::string& text) {
  const Slice slice = slice_of(text);
  Statement st(db, "DELETE FROM main." + quote_identifier(table) + " WHERE " + scope_condition(slice.first),
               "removing a slice of '" + table + "'");
  bind_slice(st, slice);
  st.run();
  return sqlite3_changes64(db.raw());
}

}  // namespace sluice::sqlite
