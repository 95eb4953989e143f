// The `value` expression: what parses, what is rejected (with positions), and evaluation.
#include <doctest/doctest.h>

#include <cmath>
#include <sluice/errors.hpp>

#include "value_expression.hpp"

using namespace sluice;
using namespace sluice::daily;

TEST_CASE("value expressions that parse") {
  auto e = parse_value_expression("quantity * unit_price");
  CHECK(e.lhs.column == "quantity");
  CHECK(e.op == '*');
  CHECK(e.rhs.column == "unit_price");
  e = parse_value_expression("  amount ");
  CHECK(e.op == 0);
  CHECK(e.lhs.column == "amount");
  e = parse_value_expression("price-1.5");
  CHECK(e.op == '-');
  CHECK(e.rhs.number == 1.5);
  e = parse_value_expression("x * -2");
  CHECK(e.rhs.number == -2);
  e = parse_value_expression("100 / \"unit price\"");
  CHECK_FALSE(e.lhs.is_column);
  CHECK(e.rhs.column == "unit price");
  e = parse_value_expression("a*1e3");
  CHECK(e.rhs.number == 1000);
}

TEST_CASE("value expression errors say where and what is allowed") {
  const std::string allowed = " (use a column name, or a op b with op one of + - * / between two columns or a column and a number)";
  CHECK_THROWS_WITH_AS(parse_value_expression(""), "parameter 'value': the expression is empty; give a column name or e.g. \"quantity * unit_price\"", ParamError);
  CHECK_THROWS_WITH_AS(parse_value_expression("a *"), ("parameter 'value': expected a column name or a number after '*' at position 4 in 'a *'" + allowed).c_str(), ParamError);
  CHECK_THROWS_WITH_AS(parse_value_expression("a * b + c"), ("parameter 'value': only one operator is allowed; unexpected '+' at position 7 in 'a * b + c'" + allowed).c_str(), ParamError);
  CHECK_THROWS_WITH_AS(parse_value_expression("sum(a)"), ("parameter 'value': unexpected '(' at position 4 in 'sum(a)'" + allowed).c_str(), ParamError);
  CHECK_THROWS_WITH_AS(parse_value_expression("a b"), ("parameter 'value': expected an operator (+ - * /) after 'a ' at position 3 in 'a b'" + allowed).c_str(), ParamError);
  CHECK_THROWS_WITH_AS(parse_value_expression("2 * 3"), ("parameter 'value': at least one side must be a column at position 1 in '2 * 3'" + allowed).c_str(), ParamError);
  CHECK_THROWS_WITH(parse_value_expression("7"), doctest::Contains("a constant is not a value; name a column"));
  CHECK_THROWS_WITH(parse_value_expression("* a"), doctest::Contains("expected a column name or a number, found '*' at position 1"));
  CHECK_THROWS_WITH(parse_value_expression("a * 1x"), doctest::Contains("malformed number at position 5"));
  CHECK_THROWS_WITH(parse_value_expression("\"a * b"), doctest::Contains("unterminated quoted column name"));
  CHECK_THROWS_WITH(parse_value_expression("a; drop table x"), doctest::Contains("unexpected ';' at position 2"));
}

TEST_CASE("evaluation: int and double columns, constants and nulls") {
  Column q("q", ColumnType::Int64), p("p", ColumnType::Double), s("s", ColumnType::String);
  q.push_int(2), q.push_int(3), q.push_null();
  p.push_double(1.5), p.push_null(), p.push_double(4);
  s.push_string("a"), s.push_string("b"), s.push_string("c");
  Table t;
  for (Column* c : {&q, &p, &s}) t.add_column(std::move(*c));

  auto r = evaluate(parse_value_expression("q * p"), t);
  CHECK(r.values[0] == 3.0);
  CHECK(r.valid == std::vector<std::uint8_t>{1, 0, 0});
  r = evaluate(parse_value_expression("10 - q"), t);
  CHECK(r.values[1] == 7.0);
  CHECK(r.valid == std::vector<std::uint8_t>{1, 1, 0});
  r = evaluate(parse_value_expression("p / 0"), t);
  CHECK(std::isinf(r.values[0]));
  r = evaluate(parse_value_expression("q"), t);
  CHECK(r.values == std::vector<double>{2, 3, 0});

  CHECK_THROWS_WITH_AS(evaluate(parse_value_expression("q * price"), t),
                       "value expression 'q * price': missing column 'price'; the input has: q, p, s", MissingColumn);
  CHECK_THROWS_WITH_AS(evaluate(parse_value_expression("s"), t),
                       "value expression 's': column 's' has type string; the value must be numeric (int64 or double)", Error);
}
