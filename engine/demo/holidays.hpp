#pragma once
// US federal holidays (plus the retail days around them) computed per year.
// The demo data uses them as holiday effects; forecasting stages can use the
// same list so that the effects they fit are the ones the generator planted.
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::demo {

struct Holiday {
  std::int64_t day = 0;  // days since 1970-01-01
  std::string name;
};

// The eleven federal holidays of `year` on their actual (not observed) dates,
// sorted by date.
std::vector<Holiday> us_federal_holidays(int year);

// The n-th (1-based) `weekday` (0 = Monday .. 6 = Sunday) of a month; n = -1 means the last.
std::int64_t nth_weekday_of_month(int year, unsigned month, int weekday, int n);

// 0 = Monday .. 6 = Sunday.
int weekday_of(std::int64_t day);

}  // namespace sluice::demo
