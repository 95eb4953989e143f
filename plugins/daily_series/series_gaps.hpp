#pragma once
// The longest run of days without values inside each series. A run of years usually means a
// mistyped date (2012 for 2021): the series then starts years early, and the days between are
// filled, which a forecast would take for real history.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sluice/table.hpp>

namespace sluice::daily {

struct SeriesGap {
  std::uint32_t group = 0;
  std::int32_t first_day = 0, last_day = 0;  // the days without rows, inclusive
  std::int64_t days() const { return static_cast<std::int64_t>(last_day) - first_day + 1; }
};

// The longest gap of each series whose longest gap is longer than `limit` days, in group order.
// Series g owns slots offset[g]..offset[g+1] (one per day from first_day[g]); rows[s] counts the
// rows with a value that fell on slot s.
std::vector<SeriesGap> gaps_longer_than(std::int64_t limit, const std::vector<std::int32_t>& first_day,
                                        const std::vector<std::size_t>& offset, const std::vector<std::uint32_t>& rows);

// "store_id=7, region=north": a series' key values at `row` of the key columns ("all rows" with none).
std::string series_label(const std::vector<const Column*>& keys, std::size_t row);

// "3,287 days without values, from 2012-03-05 to 2021-03-03".
std::string describe_gap(const SeriesGap& gap);

}  // namespace sluice::daily
