#pragma once
// The `value` parameter of sluice.daily_series: a column name, or one binary
// operation (+ - * /) between two columns or a column and a number. Deliberately
// tiny: no SQL, no parentheses, nothing that could run code.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/table.hpp>

namespace sluice::daily {

struct Operand {
  bool is_column = false;
  std::string column;  // when is_column
  double number = 0;   // otherwise
};

struct ValueExpression {
  std::string text;
  Operand lhs;
  char op = 0;  // 0 when the expression is a single operand
  Operand rhs;
};

// Throws ParamError("value", ...) with the position of the problem.
ValueExpression parse_value_expression(std::string_view text);

// Evaluated values, one per row. `valid` is empty when every row has a value;
// otherwise valid[i] == 0 marks rows where an operand is null.
struct Evaluated {
  std::vector<double> values;
  std::vector<std::uint8_t> valid;
};

// Throws MissingColumn (naming the available columns) or Error for a non-numeric column.
Evaluated evaluate(const ValueExpression& expr, const Table& table);

}  // namespace sluice::daily
