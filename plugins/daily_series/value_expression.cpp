#include "value_expression.hpp"

#include <cctype>
#include <charconv>

#include <sluice/errors.hpp>

namespace sluice::daily {

namespace {

struct Token {
  enum Kind { Column, Number, Operator, End } kind = End;
  std::string text;
  double number = 0;
  std::size_t pos = 0;  // 1-based, for messages
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  [[noreturn]] void fail(std::size_t pos, const std::string& what) const {
    throw param_error("value", what + " at position " + std::to_string(pos) + " in '" +
                                   std::string(text_) + "' (use a column name, or a op b with op one of + - * / "
                                   "between two columns or a column and a number)");
  }

  // `operand_expected` lets "-2" lex as a number after an operator but as minus elsewhere.
  Token next(bool operand_expected) {
    while (i_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[i_]))) ++i_;
    Token t;
    t.pos = i_ + 1;
    if (i_ == text_.size()) return t;
    const char c = text_[i_];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const std::size_t b = i_;
      while (i_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[i_])) || text_[i_] == '_')) ++i_;
      t.kind = Token::Column;
      t.text = text_.substr(b, i_ - b);
      return t;
    }
    if (c == '"' || c == '`') {  // a quoted column name with any characters
      const auto close = text_.find(c, i_ + 1);
      if (close == std::string_view::npos) fail(t.pos, std::string("unterminated quoted column name (missing ") + c + ")");
      t.kind = Token::Column;
      t.text = text_.substr(i_ + 1, close - i_ - 1);
      if (t.text.empty()) fail(t.pos, "empty column name");
      i_ = close + 1;
      return t;
    }
    const bool signed_number = operand_expected && (c == '-' || c == '+') && i_ + 1 < text_.size() &&
                               (std::isdigit(static_cast<unsigned char>(text_[i_ + 1])) || text_[i_ + 1] == '.');
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' || signed_number) {
      const std::size_t b = c == '+' ? i_ + 1 : i_;
      auto [end, ec] = std::from_chars(text_.data() + b, text_.data() + text_.size(), t.number);
      if (ec != std::errc()) fail(t.pos, "malformed number");
      i_ = static_cast<std::size_t>(end - text_.data());
      if (i_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[i_])) || text_[i_] == '_')) {
        fail(t.pos, "malformed number");
      }
      t.kind = Token::Number;
      return t;
    }
    if (c == '+' || c == '-' || c == '*' || c == '/') {
      ++i_;
      t.kind = Token::Operator;
      t.text = std::string(1, c);
      return t;
    }
    fail(t.pos, std::string("unexpected '") + c + "'");
  }

 private:
  std::string_view text_;
  std::size_t i_ = 0;
};

Operand operand_from(const Token& t) {
  Operand o;
  o.is_column = t.kind == Token::Column;
  o.column = t.text;
  o.number = t.number;
  return o;
}

// Numeric view of one operand: a pointer into an int64 or a double column, or a constant. Ints are
// converted element by element where they are used: a 64 M-row column is not copied first.
struct OperandValues {
  const double* doubles = nullptr;
  const std::int64_t* ints = nullptr;
  const std::vector<std::uint8_t>* validity = nullptr;  // null when no nulls
  bool constant = false;
  double value = 0;

  double operator[](std::size_t i) const {
    if (constant) return value;
    return doubles != nullptr ? doubles[i] : static_cast<double>(ints[i]);
  }
};

OperandValues operand_values(const Operand& o, const Table& table, const std::string& expr) {
  OperandValues v;
  if (!o.is_column) {
    v.constant = true;
    v.value = o.number;
    return v;
  }
  const Column* c = table.find(o.column);
  if (c == nullptr) {
    std::string have;
    for (const auto& n : table.column_names()) have += (have.empty() ? "" : ", ") + n;
    throw MissingColumn("value expression '" + expr + "': missing column '" + o.column + "'; the input has: " + have);
  }
  if (c->type() != ColumnType::Int64 && c->type() != ColumnType::Double) {
    throw Error("value expression '" + expr + "': column '" + o.column + "' has type " + std::string(to_string(c->type())) +
                "; the value must be numeric (int64 or double)");
  }
  if (c->type() == ColumnType::Double) v.doubles = c->doubles().data();
  else v.ints = c->ints().data();
  if (c->has_nulls()) v.validity = &c->validity();
  return v;
}

// out[i] = op(a[i], b[i]) for every row; reserve + push_back writes each element once (no zero fill).
template <typename Op>
std::vector<double> combine(const OperandValues& a, const OperandValues& b, std::size_t n, Op op) {
  std::vector<double> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(op(a[i], b[i]));
  return out;
}

}  // namespace

ValueExpression parse_value_expression(std::string_view text) {
  Lexer lex(text);
  ValueExpression e;
  e.text = std::string(text);
  const Token first = lex.next(true);
  if (first.kind == Token::End) {
    throw param_error("value", "the expression is empty; give a column name or e.g. \"quantity * unit_price\"");
  }
  if (first.kind == Token::Operator) lex.fail(first.pos, "expected a column name or a number, found '" + first.text + "'");
  e.lhs = operand_from(first);
  const Token op = lex.next(false);
  if (op.kind == Token::End) {
    if (!e.lhs.is_column) lex.fail(first.pos, "a constant is not a value; name a column");
    return e;
  }
  if (op.kind != Token::Operator) lex.fail(op.pos, "expected an operator (+ - * /) after '" + std::string(text.substr(0, op.pos - 1)) + "'");
  e.op = op.text[0];
  const Token second = lex.next(true);
  if (second.kind == Token::End || second.kind == Token::Operator) {
    lex.fail(second.pos, "expected a column name or a number after '" + op.text + "'");
  }
  e.rhs = operand_from(second);
  if (!e.lhs.is_column && !e.rhs.is_column) lex.fail(first.pos, "at least one side must be a column");
  const Token rest = lex.next(false);
  if (rest.kind != Token::End) lex.fail(rest.pos, "only one operator is allowed; unexpected '" + (rest.text.empty() ? "number" : rest.text) + "'");
  return e;
}

Evaluated evaluate(const ValueExpression& expr, const Table& table) {
  Evaluated out;
  const std::size_t n = table.num_rows();
  OperandValues a = operand_values(expr.lhs, table, expr.text);
  if (expr.op == 0) {
    out.values = combine(a, a, n, [](double x, double) { return x; });
    if (a.validity) out.valid = *a.validity;
    return out;
  }
  OperandValues b = operand_values(expr.rhs, table, expr.text);
  switch (expr.op) {
    case '+': out.values = combine(a, b, n, [](double x, double y) { return x + y; }); break;
    case '-': out.values = combine(a, b, n, [](double x, double y) { return x - y; }); break;
    case '*': out.values = combine(a, b, n, [](double x, double y) { return x * y; }); break;
    default: out.values = combine(a, b, n, [](double x, double y) { return x / y; }); break;
  }
  if (a.validity && b.validity) {
    out.valid.resize(n);
    for (std::size_t i = 0; i < n; ++i) out.valid[i] = (*a.validity)[i] & (*b.validity)[i];
  } else if (a.validity || b.validity) {
    out.valid = a.validity ? *a.validity : *b.validity;
  }
  return out;
}

}  // namespace sluice::daily
