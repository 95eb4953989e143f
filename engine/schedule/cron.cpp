#include "schedule/cron.hpp"

#include <array>
#include <cctype>
#include <optional>
#include <string_view>
#include <vector>

namespace sluice::engine {
namespace {

struct Token {
  std::string_view text;
  std::size_t offset;  // within the whole expression
};

std::vector<Token> split(std::string_view text, std::size_t base, auto is_separator, bool keep_empty) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i <= text.size()) {
    if (!keep_empty)
      while (i < text.size() && is_separator(text[i])) ++i;
    if (i >= text.size() && !keep_empty) break;
    std::size_t j = i;
    while (j < text.size() && !is_separator(text[j])) ++j;
    out.push_back({text.substr(i, j - i), base + i});
    i = j + 1;
  }
  return out;
}

struct FieldSpec {
  const char* name;     // for messages
  const char* plural;   // "minutes are 0-59"
  unsigned min, max;    // accepted numbers (day-of-week accepts 7 = Sunday)
  const char* allowed;  // "0-59", "1-12 or JAN-DEC"
  std::array<const char*, 12> names;  // index + min = value; empty when the field has no names
  unsigned name_count;
};

constexpr FieldSpec kFields[5] = {
    {"minute", "minutes", 0, 59, "0-59", {}, 0},
    {"hour", "hours", 0, 23, "0-23", {}, 0},
    {"day-of-month", "days of the month", 1, 31, "1-31", {}, 0},
    {"month", "months", 1, 12, "1-12 or JAN-DEC",
     {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}, 12},
    {"day-of-week", "days of the week", 0, 7, "0-7 or SUN-SAT (0 and 7 are Sunday)",
     {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, 7},
};

class FieldParser {
 public:
  FieldParser(const FieldSpec& spec, Token field) : spec_(spec), field_(field) {}

  // Sets the bits for every value the field selects.
  template <std::size_t N>
  void parse_into(std::bitset<N>& bits) const {
    for (const Token& item : split(field_.text, field_.offset, [](char c) { return c == ','; }, true)) {
      if (item.text.empty())
        throw error(field_, "empty item in the list (remove the extra comma)");
      parse_item(item, bits);
    }
  }

 private:
  template <std::size_t N>
  void parse_item(Token item, std::bitset<N>& bits) const {
    std::string_view base = item.text;
    unsigned step = 1;
    const bool has_step = base.find('/') != std::string_view::npos;
    if (has_step) {
      const std::size_t slash = base.find('/');
      const Token step_token{base.substr(slash + 1), item.offset + slash + 1};
      const auto n = whole_number(step_token.text);
      if (!n || *n < 1)
        throw error(step_token.text.empty() ? item : step_token,
                    "the step after '/' must be a whole number of at least 1, e.g. */15");
      step = *n;
      base = base.substr(0, slash);
    }
    unsigned first, last;
    if (base == "*") {
      first = spec_.min;
      last = spec_.name_count == 7 ? 6 : spec_.max;  // '*' in day-of-week is 0-6
    } else {
      const std::size_t dash = base.find('-', 1);
      const Token low{base.substr(0, dash), item.offset};
      first = value(low);
      if (dash != std::string_view::npos) {
        const Token high{base.substr(dash + 1), item.offset + dash + 1};
        last = value(high);
        if (first > last)
          throw error(Token{base, item.offset},
                      "the range runs backwards (" + std::to_string(first) + " > " + std::to_string(last) +
                          "); write it low-high, or split a wrap-around into two ranges joined by ','");
      } else {
        last = has_step ? (spec_.name_count == 7 ? 6 : spec_.max) : first;  // "5/15" means 5-max/15
      }
    }
    for (unsigned v = first; v <= last; v += step) bits.set(spec_.name_count == 7 ? v % 7 : v);
  }

  unsigned value(Token t) const {
    if (t.text.empty()) throw error(t.text.empty() ? field_ : t, std::string("a value is missing around '-'"));
    if (auto n = whole_number(t.text)) {
      if (*n < spec_.min || *n > spec_.max)
        throw error(t, std::to_string(*n) + " is out of range (" + spec_.plural + " are " + spec_.allowed + ")");
      return *n;
    }
    if (t.text.size() == 3)
      for (unsigned i = 0; i < spec_.name_count; ++i) {
        const std::string_view name = spec_.names[i];
        bool same = true;
        for (std::size_t k = 0; k < 3; ++k)
          same = same && std::toupper(static_cast<unsigned char>(t.text[k])) == name[k];
        if (same) return spec_.min + i;
      }
    const std::string what = spec_.name_count ? std::string("is not a ") + (spec_.name_count == 12 ? "month" : "day of the week")
                                              : "is not a number";
    throw error(t, "\"" + std::string(t.text) + "\" " + what + " (" + spec_.plural + " are " + spec_.allowed + ")");
  }

  static std::optional<unsigned> whole_number(std::string_view s) {
    if (s.empty() || s.size() > 4) return std::nullopt;
    unsigned v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    return v;
  }

  CronError error(Token t, const std::string& problem) const {
    return CronError(spec_.name, std::string(t.text), t.offset, problem);
  }

  const FieldSpec& spec_;
  Token field_;
};

std::optional<std::string_view> expand_macro(std::string_view name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "@yearly" || lower == "@annually") return "0 0 1 1 *";
  if (lower == "@monthly") return "0 0 1 * *";
  if (lower == "@weekly") return "0 0 * * 0";
  if (lower == "@daily" || lower == "@midnight") return "0 0 * * *";
  if (lower == "@hourly") return "0 * * * *";
  return std::nullopt;
}

constexpr unsigned kMaxDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

}  // namespace

CronError::CronError(std::string field, std::string text, std::size_t offset, std::string problem)
    : std::invalid_argument(field == "expression"
                                ? "cron expression \"" + text + "\": " + problem
                                : "cron " + field + " field: \"" + text + "\" at column " +
                                      std::to_string(offset + 1) + ": " + problem),
      field_(std::move(field)),
      text_(std::move(text)),
      offset_(offset),
      problem_(std::move(problem)) {}

CronExpr CronExpr::parse(const std::string& text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  std::vector<Token> fields = split(text, 0, is_space, false);
  CronExpr expr;
  expr.text = text;
  if (fields.size() == 1 && fields[0].text.starts_with('@')) {
    const auto expansion = expand_macro(fields[0].text);
    if (!expansion) {
      const std::string hint = fields[0].text == "@reboot"
                                   ? "@reboot is not a time; start the pipeline from your init system instead"
                                   : "unknown macro; use @yearly, @annually, @monthly, @weekly, @daily, @midnight "
                                     "or @hourly, or five fields";
      throw CronError("expression", std::string(fields[0].text), fields[0].offset, hint);
    }
    CronExpr expanded = parse(std::string(*expansion));
    expanded.text = text;
    return expanded;
  }
  if (fields.size() != 5) {
    std::string problem = "expected 5 fields (minute hour day-of-month month day-of-week) but found " +
                          std::to_string(fields.size());
    if (fields.size() == 6) problem += "; seconds and year fields are not supported";
    problem += "; e.g. \"0 6 * * MON\" is 06:00 every Monday";
    throw CronError("expression", text, 0, problem);
  }
  FieldParser(kFields[0], fields[0]).parse_into(expr.minutes);
  FieldParser(kFields[1], fields[1]).parse_into(expr.hours);
  FieldParser(kFields[2], fields[2]).parse_into(expr.days_of_month);
  FieldParser(kFields[3], fields[3]).parse_into(expr.months);
  FieldParser(kFields[4], fields[4]).parse_into(expr.days_of_week);
  expr.dom_restricted = !fields[2].text.starts_with('*');
  expr.dow_restricted = !fields[4].text.starts_with('*');

  // "0 0 30 2 *" would never fire: say so now rather than wait forever.
  if (expr.dom_restricted && !expr.dow_restricted) {
    bool possible = false;
    unsigned smallest_day = 32;
    for (unsigned d = 1; d <= 31; ++d)
      if (expr.days_of_month[d]) smallest_day = std::min(smallest_day, d);
    for (unsigned m = 1; m <= 12; ++m)
      if (expr.months[m] && smallest_day <= kMaxDays[m]) possible = true;
    if (!possible)
      throw CronError("day-of-month", std::string(fields[2].text), fields[2].offset,
                      "day " + std::to_string(smallest_day) +
                          " never occurs in the selected months, so the schedule would never fire");
  }
  return expr;
}

bool CronExpr::day_matches(unsigned month, unsigned day, unsigned weekday) const {
  if (!months[month]) return false;
  const bool dom = days_of_month[day], dow = days_of_week[weekday % 7];
  if (dom_restricted && dow_restricted) return dom || dow;
  return dom && dow;  // an unrestricted field has every bit set
}

}  // namespace sluice::engine
