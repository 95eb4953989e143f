#pragma once
// Binding the rows of an extract's `keys` input to the named parameters of its SQL.
//
// With a `keys` input, a named parameter (:name, @name or $name) takes its value from the key
// row's column of that name, and the SQL runs once per key row. Unnamed ones (? and ?NNN) keep
// taking theirs from the `params` list, in order.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <sluice/params.hpp>
#include <sluice/table.hpp>

#include "sqlite_connection.hpp"

namespace sluice::sqlite {

class KeyBinding {
 public:
  // Plans the binding of `st`'s parameters. Throws ParamError when the positional count does not
  // match `positional`, and Error naming the available columns when a named parameter has no
  // key column. `keys` may be null (no input): then a named parameter is an error too.
  KeyBinding(const Statement& st, const std::vector<Scalar>& positional, const Table* keys);

  // Resets `st` and binds the positional values and those of key row `row` (none: the named
  // parameters stay NULL).
  void bind(Statement& st, std::optional<std::size_t> row) const;

  bool uses_keys() const { return !named_.empty(); }

 private:
  struct Named {
    int index;
    const Column* column;
  };
  std::vector<std::pair<int, Scalar>> positional_;
  std::vector<Named> named_;
};

// The value of one cell as a SQL parameter: dates and timestamps as ISO text, like the
// declared types sqlite_extract reads them from.
Scalar cell_scalar(const Column& column, std::size_t row);

}  // namespace sluice::sqlite
