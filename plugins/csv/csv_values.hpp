#pragma once
// Strict text -> value parsers used for type inference and explicit schemas.
// They return false instead of throwing, because inference tries them on data
// that is expected not to match.
#include <cstdint>
#include <string_view>

namespace sluice::csv {

bool try_parse_int64(std::string_view text, std::int64_t& out);
// Decimal or scientific notation, inf and nan; a leading '+' is allowed.
bool try_parse_double(std::string_view text, double& out);
// YYYY-MM-DD -> days since 1970-01-01.
bool try_parse_date(std::string_view text, std::int64_t& out);
// YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][Z] or a bare date -> microseconds.
bool try_parse_timestamp(std::string_view text, std::int64_t& out);

}  // namespace sluice::csv
