#include "series_gaps.hpp"


namespace sluice::daily {

std::vector<SeriesGap> gaps_longer_than(std::int64_t limit, const std::vector<std::int32_t>& first_day,
                                        const std::vector<std::size_t>& offset, const std::vector<std::uint32_t>& rows) {
  std::vector<SeriesGap> out;
  for (std::size_t g = 0; g + 1 < offset.size(); ++g) {
    std::optional<SeriesGap> longest;
    std::size_t run_start = offset[g];
    for (std::size_t s = offset[g]; s <= offset[g + 1]; ++s) {
      if (s < offset[g + 1] && rows[s] == 0) continue;
      // Slots run_start..s-1 had no rows.
      if (s > run_start && (!longest || static_cast<std::int64_t>(s - run_start) > longest->days())) {
        const auto day = [&](std::size_t slot) { return first_day[g] + static_cast<std::int32_t>(slot - offset[g]); };
        longest = SeriesGap{static_cast<std::uint32_t>(g), day(run_start), day(s - 1)};
      }
      run_start = s + 1;
    }
    if (longest && longest->days() > limit) out.push_back(*longest);
  }
  return out;
}

std::string series_label(const std::vector<const Column*>& keys, std::size_t row) {
  if (keys.empty()) return "all rows";
  std::string out;
  for (const Column* k : keys) out += (out.empty() ? "" : ", ") + k->name() + "=" + cell_display(*k, row);
  return out;
}

std::string describe_gap(const SeriesGap& gap) {
  return group_thousands(std::to_string(gap.days())) + (gap.days() == 1 ? " day" : " days") + " without values, from " +
         format_date(gap.first_day) + " to " + format_date(gap.last_day);
}

}  // namespace sluice::daily
