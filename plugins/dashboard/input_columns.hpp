#pragma once
// Column access shared by the readers of the input tables: required columns
// with errors that name the input port, and numeric reads with nulls as NaN.
#include <limits>
#include <string>

#include <sluice/table.hpp>

namespace sluice::dashboard::input {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The column `name` with one of `types`; otherwise a MissingColumn error that
// names the port and says which upstream output has the expected `shape`.
const Column& need(const Table& t, const std::string& name, std::initializer_list<ColumnType> types,
                   const std::string& port, const char* shape);
// Numeric value of a row (NaN for null or an absent column).
double num_at(const Column* c, std::size_t row);
inline double mean_or_nan(double sum, int n) { return n > 0 ? sum / n : kNaN; }

}  // namespace sluice::dashboard::input
