#include "input_columns.hpp"

#include <sluice/errors.hpp>

namespace sluice::dashboard::input {

const Column& need(const Table& t, const std::string& name, std::initializer_list<ColumnType> types,
                   const std::string& port, const char* shape) {
  try {
    return t.require(name, types);
  } catch (const std::exception& e) {
    // The port and the expected shape tell the user which upstream node to look at.
    throw MissingColumn("input '" + port + "': " + e.what() + " (" + shape + ")");
  }
}

double num_at(const Column* c, std::size_t row) {
  if (c == nullptr || c->is_null(row)) return kNaN;
  return c->numeric_at(row);
}

}  // namespace sluice::dashboard::input
