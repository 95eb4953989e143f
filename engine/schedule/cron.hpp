#pragma once
// Cron expressions: the five classic fields (minute hour day-of-month month
// day-of-week) with *, ranges, steps, lists and names, plus @hourly, @daily,
// @weekly, @monthly and @yearly. Parsing only; see cron_next.hpp for fire times.
#include <bitset>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace sluice::engine {

// A malformed expression. what() is complete: which field, the offending text,
// its column (1-based, within the expression), what is wrong and what is allowed.
class CronError : public std::invalid_argument {
 public:
  CronError(std::string field, std::string text, std::size_t offset, std::string problem);
  const std::string& field() const { return field_; }      // "minute", ..., or "expression"
  const std::string& text() const { return text_; }        // the offending part of the expression
  std::size_t offset() const { return offset_; }           // 0-based offset of `text` in the expression
  const std::string& problem() const { return problem_; }  // what is wrong and what is allowed

 private:
  std::string field_, text_;
  std::size_t offset_;
  std::string problem_;
};

struct CronExpr {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // bits 1..31
  std::bitset<13> months;         // bits 1..12
  std::bitset<7> days_of_week;    // 0 = Sunday (7 is accepted as Sunday too)
  // Vixie cron: a day field whose text starts with '*' is unrestricted. When both
  // day fields are restricted a day matches if EITHER matches.
  bool dom_restricted = false;
  bool dow_restricted = false;
  std::string text;  // as written

  static CronExpr parse(const std::string& text);
  // Whether a civil day matches the day-of-month/month/day-of-week fields.
  bool day_matches(unsigned month, unsigned day, unsigned weekday) const;
};

}  // namespace sluice::engine
